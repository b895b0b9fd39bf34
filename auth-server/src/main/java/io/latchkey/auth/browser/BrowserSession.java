package io.latchkey.auth.browser;

import java.util.UUID;

/** An open browser session: a Latchkey session ({@code sid}) that a browser's session cookie names. */
public record BrowserSession(UUID sessionId, UUID userId, String username, long authTime) {}
