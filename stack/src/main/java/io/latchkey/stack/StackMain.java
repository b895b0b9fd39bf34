package io.latchkey.stack;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.latchkey.common.crypto.NativeCrypto;
import java.util.List;

/**
 * {@code java -jar latchkey-stack.jar [--seed] [--tls]}: the whole Latchkey stack in one JVM for development. Ctrl-C or
 * SIGTERM stops the services and the embedded PostgreSQL.
 */
public final class StackMain {
    private StackMain() {}

    public static void main(String[] args) {
        StackSettings settings;
        try {
            settings = StackSettings.from(Env.system(), List.of(args));
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("latchkey-stack: " + e.getMessage());
            System.exit(2);
            return;
        }
        // resource-demo's RS256 verifies (and auth-server's introspection) run natively, as in their own processes.
        NativeCrypto.install();
        DevStack stack;
        try {
            stack = DevStack.start(settings);
        } catch (Exception e) {
            System.err.println("latchkey-stack: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "latchkey-stack-stop"));
        stack.printWelcome(System.out);
    }
}
