package io.latchkey.common.dpop;

import java.time.Instant;

/**
 * A DPoP proof that passed every check of {@link DpopProofChecker}: the thumbprint of its key ({@code jkt}, RFC 7638,
 * what {@code cnf.jkt} binds a token to) and the claims a replay check and a log need.
 */
public record DpopProof(String jkt, String jti, Instant iat, String htm, String htu) {}
