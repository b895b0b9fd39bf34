package io.latchkey.common.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HtuNormalizerTest {
    @ParameterizedTest
    @CsvSource({
        "https://rs.example/api/me, https://rs.example/api/me",
        "HTTPS://RS.Example/api/me, https://rs.example/api/me",
        "https://rs.example:443/api/me, https://rs.example/api/me",
        "http://rs.example:80/api, http://rs.example/api",
        "http://rs.example:8443/api, http://rs.example:8443/api",
        "https://rs.example:80/api, https://rs.example:80/api",
        "https://rs.example, https://rs.example/",
        "https://rs.example/api/me?x=1#f, https://rs.example/api/me",
        "https://rs.example/a/./b/../c, https://rs.example/a/c",
        "https://rs.example/%7euser/%2fx, https://rs.example/~user/%2Fx",
        "https://rs.example/API/Me, https://rs.example/API/Me",
        "http://[::1]:9000/x, http://[::1]:9000/x"
    })
    void normalizeWhenEquivalentFormsThenOneForm(String uri, String expected) {
        assertEquals(expected, HtuNormalizer.normalize(uri));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/api/me",
                "rs.example/api",
                "ftp://rs.example/api",
                "https://user:pw@rs.example/api",
                "https:///api",
                "https://rs.example/a b",
                "https://rs.example/%zz"
            })
    void normalizeWhenNotAnAbsoluteHttpUriThenRefused(String uri) {
        assertThrows(IllegalArgumentException.class, () -> HtuNormalizer.normalize(uri));
    }
}
