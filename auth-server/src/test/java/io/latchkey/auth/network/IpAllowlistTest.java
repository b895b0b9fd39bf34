package io.latchkey.auth.network;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpAllowlistTest {
    @Test
    void allowsWhenListEmptyThenAnyAddress() {
        assertTrue(IpAllowlist.of(List.of()).allows("198.51.100.1"));
        assertTrue(IpAllowlist.of(List.of()).allows("2001:db8::1"));
    }

    @Test
    void allowsWhenAddressInsideARangeThenTrueElseFalse() {
        IpAllowlist list = IpAllowlist.of(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "172.16.0.0/12"));
        assertTrue(list.allows("10.200.3.4"));
        assertTrue(list.allows("192.0.2.7"));
        assertTrue(list.allows("2001:db8:ffff::1"));
        assertTrue(list.allows("172.31.255.255"));
        assertFalse(list.allows("172.32.0.0"));
        assertFalse(list.allows("11.0.0.1"));
        assertFalse(list.allows("192.0.2.8"));
        assertFalse(list.allows("2001:db9::1"));
        assertFalse(list.allows("not-an-ip"));
        assertFalse(list.allows(null));
    }

    @Test
    void allowsWhenZeroPrefixThenEveryAddressOfThatFamily() {
        IpAllowlist list = IpAllowlist.of(List.of("0.0.0.0/0"));
        assertTrue(list.allows("203.0.113.9"));
        assertFalse(list.allows("2001:db8::1"));
    }

    @Test
    void problemWhenNotACidrThenNamed() {
        for (String bad : List.of("10.0.0.0/33", "host.example", "10.0.0.0/", "10.0.0.0/08x", "::1/200", "1.2.3")) {
            assertTrue(IpAllowlist.problem(bad).isPresent(), bad);
        }
        for (String good : List.of("10.0.0.0/8", "::1", "::/0", "203.0.113.5/32")) {
            assertTrue(IpAllowlist.problem(good).isEmpty(), good);
        }
    }
}
