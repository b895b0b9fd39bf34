package io.latchkey.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.latchkey.common.testing.Await;
import io.netty.channel.epoll.Epoll;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.Test;

class NativeTransportTest {
    @Test
    void servicesRunOnEpollWhereItLoads() throws Exception {
        assumeTrue(Epoll.isAvailable(), "epoll does not load on this machine");
        Vertx vertx = Vertx.vertx(NativeTransport.prefer(new VertxOptions()));
        try {
            assertTrue(vertx.isNativeTransportEnabled());
            assertEquals("EpollTransport", NativeTransport.describe(vertx));
        } finally {
            Await.result(vertx.close());
        }
    }

    @Test
    void nioCanBeForcedForComparison() {
        String before = System.getProperty("latchkey.transport");
        System.setProperty("latchkey.transport", "nio");
        try {
            assertEquals(false, NativeTransport.prefer(new VertxOptions()).getPreferNativeTransport());
        } finally {
            if (before == null) {
                System.clearProperty("latchkey.transport");
            } else {
                System.setProperty("latchkey.transport", before);
            }
        }
    }
}
