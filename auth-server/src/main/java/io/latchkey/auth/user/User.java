package io.latchkey.auth.user;

import java.util.UUID;

/** An end user who logs in with the password grant. */
public record User(UUID id, String username, String passwordHash, boolean disabled, long tokensNotBefore) {}
