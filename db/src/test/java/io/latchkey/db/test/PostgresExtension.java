package io.latchkey.db.test;

import io.latchkey.db.DatabaseSettings;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh migrated database for one test class, dropped after it:
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension db = new PostgresExtension();
 * ... db.settings() ... db.pool(vertx) ...
 * }</pre>
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
    private DatabaseSettings settings;

    @Override
    public void beforeAll(ExtensionContext context) {
        settings = TestPostgres.get().createDatabase();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (settings != null) {
            TestPostgres.get().dropDatabase(settings);
            settings = null;
        }
    }

    public DatabaseSettings settings() {
        if (settings == null) {
            throw new IllegalStateException("register PostgresExtension as a static field");
        }
        return settings;
    }

    /** {@code LATCHKEY_DB_URL} for this class's database. */
    public String url() {
        return settings().url();
    }

    /** A small pool on this class's database; the caller closes it. */
    public Pool pool(Vertx vertx) {
        return io.latchkey.db.Database.pool(vertx, settings(), 4);
    }
}
