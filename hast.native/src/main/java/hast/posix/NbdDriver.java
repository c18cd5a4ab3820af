package hast.posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What this machine's kernel offers for NBD, read from sysfs and /dev under a root (/ in
 * production, a folder in tests): whether the nbd driver is loaded, and which /dev/nbdN is free.
 */
public final class NbdDriver {
    /**
     * The environment variable naming another root than / to look under: system tests make a
     * driver appear with it on machines that have none (README, "Privileges").
     */
    public static final String ROOT_VARIABLE = "HASTD_NBD_ROOT";

    private final Path root;

    public NbdDriver(Path root) {
        this.root = root;
    }

    /** Under the root {@link #ROOT_VARIABLE} names, / when it is unset. */
    static NbdDriver fromEnvironment() {
        String root = System.getenv(ROOT_VARIABLE);
        return new NbdDriver(Path.of(root == null || root.isEmpty() ? "/" : root));
    }

    /** Where this driver is looked for: / in production. */
    public Path root() {
        return root;
    }

    /** The driver is there: its module is loaded (or built in) and its first device exists. */
    public boolean present() {
        return Files.isDirectory(root.resolve("sys/module/nbd")) && Files.exists(root.resolve("dev/nbd0"));
    }

    /**
     * The first /dev/nbdN no client uses: sysfs shows a {@code pid} attribute for each connected
     * device (the process serving it), and none for a free one.
     */
    public Optional<Path> freeDevice() throws IOException {
        Path block = root.resolve("sys/block");
        if (!Files.isDirectory(block)) {
            return Optional.empty();
        }
        try (Stream<Path> devices = Files.list(block)) {
            return devices.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("nbd[0-9]+"))
                    .sorted(Comparator.comparingInt(n -> Integer.parseInt(n.substring(3))))
                    .filter(n -> !Files.exists(block.resolve(n).resolve("pid")))
                    .map(n -> root.resolve("dev").resolve(n))
                    .filter(Files::exists)
                    .findFirst();
        }
    }
}
