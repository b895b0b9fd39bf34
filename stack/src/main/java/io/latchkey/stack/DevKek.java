package io.latchkey.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The dev stack's key-encryption key: generated once into {@code <data dir>/kek} (owner-only) and reused, so the
 * sealed signing keys in the embedded database stay readable across restarts.
 */
final class DevKek {
    private DevKek() {}

    static String loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve("kek");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String encoded = Base64.getEncoder().encodeToString(key);
        Files.createDirectories(dataDir);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, encoded + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        return encoded;
    }
}
