package io.latchkey.stack;

import io.latchkey.db.DatabaseSettings;
import io.vertx.core.Vertx;

/** Seeds the dev users and clients of DESIGN.md when they are absent. */
final class DevSeed {
    private DevSeed() {}

    static void apply(Vertx vertx, DatabaseSettings database) {
        // Filled in once auth-server's user and client services exist.
    }
}
