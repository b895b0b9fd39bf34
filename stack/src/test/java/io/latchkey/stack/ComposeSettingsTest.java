package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docker-compose.yml may only set settings that the services really read, spelled as the code spells them. */
class ComposeSettingsTest {
    private static final Pattern SETTING = Pattern.compile("LATCHKEY_[A-Z0-9_]+");
    private static final Path ROOT =
            Path.of(System.getProperty("latchkey.project.root", "..")).normalize();

    @Test
    void composeFileWhenItSetsASettingThenTheCodeReadsThatName() throws IOException {
        Set<String> composeNames = names(Files.readString(ROOT.resolve("docker-compose.yml")));
        assertFalse(composeNames.isEmpty(), "docker-compose.yml sets LATCHKEY_* settings");
        Set<String> readByCode = namesReadByMainCode();
        Set<String> unknown = new TreeSet<>(composeNames);
        unknown.removeAll(readByCode);
        assertTrue(unknown.isEmpty(), "docker-compose.yml sets settings no service reads: " + unknown);
    }

    @Test
    void dockerfileWhenItStartsAServiceThenTheMainClassExists() throws IOException {
        String entry = Files.readString(ROOT.resolve("docker/latchkey"));
        Matcher m = Pattern.compile("main=([a-zA-Z0-9_.]+)").matcher(entry);
        int found = 0;
        while (m.find()) {
            found++;
            String source = m.group(1).replace('.', '/') + ".java";
            boolean exists;
            try (Stream<Path> modules = Files.list(ROOT)) {
                exists = modules.anyMatch(
                        module -> Files.exists(module.resolve("src/main/java").resolve(source)));
            }
            assertTrue(exists, "entry point names a main class that exists: " + m.group(1));
        }
        assertTrue(found == 3, "the entry point knows the three services");
    }

    /** Names that appear as string literals in main sources: {@code "LATCHKEY_X"}. */
    static Set<String> namesReadByMainCode() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern literal = Pattern.compile("\"(LATCHKEY_[A-Z0-9_]+)\"");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))::iterator) {
                Matcher m = literal.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = SETTING.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
