package io.latchkey.common.config;

import java.util.Set;

/**
 * The throw-away values that only the dev stack and docker-compose.yml supply. A service outside dev mode
 * refuses to start with any of them.
 */
public final class DevValues {
    public static final String INTERNAL_SECRET = "dev-internal-secret-not-for-production";
    public static final String ADMIN_CLIENT_SECRET = "dev-admin-cli-secret-not-for-production";
    public static final String DEMO_SERVICE_SECRET = "dev-demo-service-secret-not-for-production";
    public static final String RESOURCE_DEMO_SECRET = "dev-resource-demo-secret-not-for-production";
    public static final String DEMO_WEB_SECRET = "dev-demo-web-secret-not-for-production";
    public static final String DATABASE_PASSWORD = "dev-database-password-not-for-production";
    /** The KEK docker-compose.yml supplies (base64 of 32 bytes); the dev stack generates its own. */
    public static final String COMPOSE_KEK = "ZGV2LWtlay1ub3QtZm9yLXByb2R1Y3Rpb24tMzJieXQ=";

    private static final Set<String> ALL = Set.of(
            INTERNAL_SECRET,
            ADMIN_CLIENT_SECRET,
            DEMO_SERVICE_SECRET,
            RESOURCE_DEMO_SECRET,
            DEMO_WEB_SECRET,
            DATABASE_PASSWORD,
            COMPOSE_KEK);

    private DevValues() {}

    public static boolean isDevValue(String value) {
        return ALL.contains(value);
    }
}
