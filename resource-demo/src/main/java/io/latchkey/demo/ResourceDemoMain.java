package io.latchkey.demo;

import io.latchkey.common.ServiceLauncher;
import io.latchkey.common.crypto.NativeCrypto;

/** Starts resource-demo from the environment. */
public final class ResourceDemoMain {
    private ResourceDemoMain() {}

    public static void main(String[] args) {
        NativeCrypto.install();
        ServiceLauncher.launch(
                "resource-demo", (env, metrics) -> new ResourceDemoVerticle(ResourceDemoConfig.from(env), metrics));
    }
}
