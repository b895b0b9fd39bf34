package io.latchkey.auth.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code Allow} value of a 405: the methods of the routes whose path template matches the request path.
 * Vert.x adds it only when no 405 error handler is set, and ours renders an RFC 6749 body.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6">RFC 9110 §15.5.6</a>
 */
final class AllowedMethods {
    private AllowedMethods() {}

    /** Comma-separated methods, or null when no route names this path. */
    static String of(Router router, RoutingContext ctx) {
        Set<String> methods = new TreeSet<>();
        String path = ctx.normalizedPath();
        for (Route route : router.getRoutes()) {
            Set<HttpMethod> routeMethods = route.methods();
            if (route.getPath() != null
                    && routeMethods != null
                    && !routeMethods.isEmpty()
                    && matches(route.getPath(), path)) {
                routeMethods.forEach(method -> methods.add(method.name()));
            }
        }
        return methods.isEmpty() ? null : String.join(", ", methods);
    }

    /** A template such as {@code /admin/users/:id/disable}: literal segments, and one value per {@code :name}. */
    static boolean matches(String template, String path) {
        String[] expected = template.split("/", -1);
        String[] actual = path.split("/", -1);
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            boolean parameter = expected[i].startsWith(":") && !actual[i].isEmpty();
            if (!parameter && !expected[i].equals(actual[i])) {
                return false;
            }
        }
        return true;
    }
}
