package io.latchkey.demo;

import io.latchkey.common.config.Env;
import io.latchkey.common.http.ListenerSettings;
import io.latchkey.common.tls.ServerTls;
import io.latchkey.demo.web.WebAppSettings;
import io.latchkey.verifier.VerifierSettings;
import java.util.Optional;

/**
 * resource-demo settings: its listeners (TLS from {@code LATCHKEY_TLS_CERT}/{@code LATCHKEY_TLS_KEY} when set, one
 * per event loop, {@code LATCHKEY_EVENT_LOOPS} of them, by default one per core, since an RS256 verify is CPU work),
 * the verifier's settings (audience {@code resource-demo}, trusting {@code LATCHKEY_TLS_CA} for its fetches) and,
 * when {@code LATCHKEY_WEB_CLIENT_SECRET} is set, the notes web app's ({@link WebAppSettings}).
 */
public record ResourceDemoConfig(
        String host,
        int port,
        int eventLoops,
        ServerTls tls,
        VerifierSettings verifier,
        Optional<WebAppSettings> web,
        ListenerSettings listeners) {
    public static ResourceDemoConfig from(Env env) {
        VerifierSettings verifier = VerifierSettings.from(env, "resource-demo");
        return new ResourceDemoConfig(
                env.string("LATCHKEY_HOST", "0.0.0.0"),
                env.port("LATCHKEY_PORT", 8082),
                env.integer("LATCHKEY_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256),
                ServerTls.from(env),
                verifier,
                WebAppSettings.from(env, verifier),
                ListenerSettings.from(env, 9082));
    }
}
