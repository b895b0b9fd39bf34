package io.latchkey.common.dpop;

/**
 * The server-provided nonce rule of RFC 9449 §8, for servers that turn it on: accepts or refuses the proof's
 * {@code nonce} claim (null when the proof has none). A refusal becomes {@code use_dpop_nonce}.
 */
@FunctionalInterface
public interface DpopNonceCheck {
    /** Servers without nonces. */
    DpopNonceCheck NONE = nonce -> true;

    boolean accept(String nonce);
}
