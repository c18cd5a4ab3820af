package hast.testkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checked-in seed inputs of one fuzz target, under
 * {@code src/test/resources/<package>/<Class>Inputs/<method>/}, where Jazzer replays them in every
 * build. Seeds are made by code, so that they follow the formats: a build compares them with the
 * files, and {@code -Dhast.fuzz.seeds=write} writes the files anew.
 */
public final class SeedCorpus {
    private static final boolean WRITE = "write".equals(System.getProperty("hast.fuzz.seeds"));

    private final Path folder;

    public SeedCorpus(Class<?> target, String method) {
        this.folder = Path.of("src/test/resources", target.getPackageName().replace('.', '/'),
                target.getSimpleName() + "Inputs", method);
    }

    /** Writes seed {@code name}, or checks that the checked-in one holds {@code bytes}. */
    public void seed(String name, byte[] bytes) throws IOException {
        Path file = folder.resolve("seed-" + name);
        if (WRITE) {
            Files.createDirectories(folder);
            Files.write(file, bytes);
            return;
        }
        assertTrue(Files.exists(file), file + " is missing; write the seeds with -Dhast.fuzz.seeds=write");
        assertArrayEquals(bytes, Files.readAllBytes(file), file + " is out of date; write the seeds with -Dhast.fuzz.seeds=write");
    }
}
