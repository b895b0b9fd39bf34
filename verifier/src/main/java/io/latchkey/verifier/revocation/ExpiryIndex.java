package io.latchkey.verifier.revocation;

import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live values of one entry type ({@code jti} or {@code sid}) with their {@code expires_at}, compact enough to
 * hold a million: a value in one of the two shapes auth-server issues (a canonical lowercase UUID for a {@code sid},
 * 22 characters of unpadded base64url for a {@code jti}) is held as its 128 bits instead of a String, and the expiry
 * lives in the key object, so an entry costs one map node and one 40-byte object. Any other value is kept as its
 * String; matching stays exact string comparison because only a value that re-encodes to itself is compacted.
 * Safe for concurrent use.
 */
final class ExpiryIndex {
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    private static final Base64.Encoder BASE64URL_ENCODER =
            Base64.getUrlEncoder().withoutPadding();

    private final ConcurrentHashMap<Key, Key> keys = new ConcurrentHashMap<>();

    /** Records {@code value} until {@code expiresAt}; a value seen twice keeps the later expiry. */
    void add(String value, long expiresAt) {
        Key key = Key.of(value, expiresAt);
        keys.merge(key, key, (held, added) -> held.expiresAt >= added.expiresAt ? held : added);
    }

    /** Whether {@code value} is held with an expiry after {@code nowSeconds}. */
    boolean live(String value, long nowSeconds) {
        Key held = keys.get(Key.of(value, 0));
        return held != null && held.expiresAt > nowSeconds;
    }

    void prune(long nowSeconds) {
        keys.values().removeIf(key -> key.expiresAt <= nowSeconds);
    }

    int size() {
        return keys.size();
    }

    /** A value and its expiry; equality and hash are the value's alone. */
    private abstract static sealed class Key permits Bits, Text {
        final long expiresAt;

        Key(long expiresAt) {
            this.expiresAt = expiresAt;
        }

        static Key of(String value, long expiresAt) {
            if (value.length() == 36) {
                Bits uuid = Bits.uuid(value, expiresAt);
                if (uuid != null) {
                    return uuid;
                }
            } else if (value.length() == 22) {
                Bits token = Bits.base64url(value, expiresAt);
                if (token != null) {
                    return token;
                }
            }
            return new Text(value, expiresAt);
        }
    }

    /** 128 bits and which shape they came from (a UUID and a base64url string of the same bits are different values). */
    private static final class Bits extends Key {
        private static final byte UUID_SHAPE = 0;
        private static final byte BASE64URL_SHAPE = 1;

        private final long high;
        private final long low;
        private final byte shape;

        private Bits(long high, long low, byte shape, long expiresAt) {
            super(expiresAt);
            this.high = high;
            this.low = low;
            this.shape = shape;
        }

        /** The canonical form only ({@code 8-4-4-4-12} lowercase hex), so that distinct strings stay distinct. */
        static Bits uuid(String value, long expiresAt) {
            long high = 0;
            long low = 0;
            int digits = 0;
            for (int i = 0; i < 36; i++) {
                char c = value.charAt(i);
                if (i == 8 || i == 13 || i == 18 || i == 23) {
                    if (c != '-') {
                        return null;
                    }
                    continue;
                }
                int nibble = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (nibble < 0) {
                    return null;
                }
                if (digits < 16) {
                    high = high << 4 | nibble;
                } else {
                    low = low << 4 | nibble;
                }
                digits++;
            }
            return new Bits(high, low, UUID_SHAPE, expiresAt);
        }

        /** 16 bytes as 22 unpadded base64url characters, only when that encoding gives back the same string. */
        static Bits base64url(String value, long expiresAt) {
            byte[] bytes;
            try {
                bytes = BASE64URL.decode(value);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (bytes.length != 16 || !BASE64URL_ENCODER.encodeToString(bytes).equals(value)) {
                return null;
            }
            long high = 0;
            long low = 0;
            for (int i = 0; i < 8; i++) {
                high = high << 8 | (bytes[i] & 0xff);
                low = low << 8 | (bytes[i + 8] & 0xff);
            }
            return new Bits(high, low, BASE64URL_SHAPE, expiresAt);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bits bits && bits.high == high && bits.low == low && bits.shape == shape;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(high * 31 + low) * 31 + shape;
        }
    }

    private static final class Text extends Key {
        private final String value;

        Text(String value, long expiresAt) {
            super(expiresAt);
            this.value = value;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Text text && text.value.equals(value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }
}
