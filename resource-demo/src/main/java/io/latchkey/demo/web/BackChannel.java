package io.latchkey.demo.web;

import io.latchkey.verifier.discovery.MetadataClient;
import io.vertx.core.Future;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

/**
 * The auth-server back-channel URLs ({@code LATCHKEY_AUTH_SERVER_URLS}), tried in turn: a call moves on to the next
 * URL only when it could not connect, so a request that may have reached a server (a code, a refresh token) is never
 * sent twice.
 */
final class BackChannel {
    private BackChannel() {}

    /** The URLs as bases that paths append to. */
    static List<String> bases(List<URI> urls) {
        return urls.stream().map(MetadataClient::base).toList();
    }

    /** Runs {@code call} against each of {@code targets} in turn until one connects. */
    static <S, T> Future<T> firstConnecting(List<S> targets, Function<S, Future<T>> call) {
        return attempt(targets, 0, call);
    }

    private static <S, T> Future<T> attempt(List<S> targets, int index, Function<S, Future<T>> call) {
        return call.apply(targets.get(index)).recover(e -> {
            if (couldNotConnect(e) && index + 1 < targets.size()) {
                return attempt(targets, index + 1, call);
            }
            return Future.failedFuture(e);
        });
    }

    static boolean couldNotConnect(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }
}
