package io.latchkey.common.tls;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads PEM file settings: a path that must name a readable file, checked at start rather than at first use. */
final class PemFiles {
    private PemFiles() {}

    static Optional<Path> optional(Env env, String name) {
        return env.optional(name).map(value -> readable(name, value));
    }

    /** Both settings or neither: half a key pair is a mistake worth stopping for. */
    static void bothOrNeither(String first, Optional<Path> a, String second, Optional<Path> b) {
        if (a.isPresent() != b.isPresent()) {
            String missing = a.isPresent() ? second : first;
            String present = a.isPresent() ? first : second;
            throw new ConfigException(missing, "is required when " + present + " is set");
        }
    }

    private static Path readable(String name, String value) {
        Path path = Path.of(value);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(name, "must name a readable PEM file");
        }
        return path;
    }
}
