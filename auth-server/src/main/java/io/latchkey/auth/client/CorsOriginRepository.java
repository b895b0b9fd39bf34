package io.latchkey.auth.client;

import io.vertx.core.Future;
import java.util.Set;

/** Reads the browser origins clients list in {@code allowed_cors_origins}. */
public interface CorsOriginRepository {
    /** Every origin that at least one enabled client lists, each once. */
    Future<Set<String>> enabledClientOrigins();
}
