package io.latchkey.keys.crypto;

import java.security.SignatureException;

/**
 * Turns the DER signature a JCA ECDSA engine produces ({@code SEQUENCE { INTEGER r, INTEGER s }}) into the JOSE
 * form: R and S as unsigned big-endian integers, each left-padded with zeros to the curve's size, concatenated
 * (64 bytes for P-256).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.4">RFC 7518 §3.4</a>
 */
public final class EcdsaSignatures {
    /** Bytes of R and of S for P-256. */
    public static final int P256_PART = 32;

    private EcdsaSignatures() {}

    /** R‖S, each {@code part} bytes, from a DER ECDSA signature; fails on anything that is not one. */
    public static byte[] derToJose(byte[] der, int part) throws SignatureException {
        Reader in = new Reader(der);
        in.expect(0x30);
        int sequenceLength = in.length();
        if (sequenceLength != der.length - in.position) {
            throw new SignatureException("DER sequence length does not match");
        }
        byte[] jose = new byte[2 * part];
        in.integerInto(jose, 0, part);
        in.integerInto(jose, part, part);
        if (in.position != der.length) {
            throw new SignatureException("trailing bytes after the DER signature");
        }
        return jose;
    }

    private static final class Reader {
        private final byte[] der;
        private int position;

        Reader(byte[] der) {
            this.der = der;
        }

        void expect(int tag) throws SignatureException {
            if (position >= der.length || (der[position++] & 0xff) != tag) {
                throw new SignatureException("not a DER ECDSA signature");
            }
        }

        /** A DER length: short form, or long form in one byte (enough for any ECDSA signature). */
        int length() throws SignatureException {
            if (position >= der.length) {
                throw new SignatureException("truncated DER signature");
            }
            int first = der[position++] & 0xff;
            if (first < 0x80) {
                return first;
            }
            if (first != 0x81 || position >= der.length) {
                throw new SignatureException("unsupported DER length");
            }
            return der[position++] & 0xff;
        }

        /** Reads an INTEGER and writes it, unsigned and left-padded, into {@code out[offset, offset + part)}. */
        void integerInto(byte[] out, int offset, int part) throws SignatureException {
            expect(0x02);
            int length = length();
            if (length == 0 || position + length > der.length) {
                throw new SignatureException("truncated DER integer");
            }
            int start = position;
            int end = position + length;
            position = end;
            // A positive INTEGER whose top bit is set carries one leading zero byte; drop leading zeros.
            while (start < end - 1 && der[start] == 0) {
                start++;
            }
            int significant = end - start;
            if (significant > part) {
                throw new SignatureException("DER integer larger than the curve");
            }
            System.arraycopy(der, start, out, offset + part - significant, significant);
        }
    }
}
