package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PkceTest {
    @Test
    void challengeWhenRfc7636AppendixBVerifierThenItsS256Challenge() {
        assertEquals(
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                Pkce.challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    @Test
    void createWhenCalledThenVerifierIsWithinRfc7636LengthAndAlphabet() {
        Pkce pkce = Pkce.create();

        assertTrue(pkce.verifier().matches("[A-Za-z0-9._~-]{43,128}"));
        assertEquals(Pkce.challengeOf(pkce.verifier()), pkce.challenge());
    }
}
