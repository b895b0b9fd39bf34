package io.latchkey.auth.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AllowedMethodsTest {
    @Test
    void matchesWhenLiteralPathEqualThenTrue() {
        assertTrue(AllowedMethods.matches("/oauth2/token", "/oauth2/token"));
    }

    @Test
    void matchesWhenParameterSegmentHasAValueThenTrue() {
        assertTrue(AllowedMethods.matches("/admin/users/:id/disable", "/admin/users/42/disable"));
    }

    @Test
    void matchesWhenParameterSegmentEmptyOrSegmentsDifferThenFalse() {
        assertFalse(AllowedMethods.matches("/admin/users/:id/disable", "/admin/users//disable"));
        assertFalse(AllowedMethods.matches("/admin/users/:id/disable", "/admin/users/42/password"));
        assertFalse(AllowedMethods.matches("/admin/users/:id/disable", "/admin/users/42"));
        assertFalse(AllowedMethods.matches("/oauth2/token", "/oauth2/token/"));
    }
}
