package io.latchkey.demo.web;

import java.util.Optional;

/**
 * Who completed a sign-in and the tokens it earned: the {@code sub} the demo API reports for the access token, the
 * name to greet them with, and the auth-server session id ({@code sid}) when an ID token named one.
 */
public record SignedIn(String subject, String displayName, Optional<String> sessionId, Tokens tokens) {}
