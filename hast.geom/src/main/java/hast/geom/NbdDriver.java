package hast.geom;

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
final class NbdDriver {
    private final Path root;

    NbdDriver(Path root) {
        this.root = root;
    }

    /** The driver is there: its module is loaded (or built in) and its first device exists. */
    boolean present() {
        return Files.isDirectory(root.resolve("sys/module/nbd")) && Files.exists(root.resolve("dev/nbd0"));
    }

    /**
     * The first /dev/nbdN no client uses: sysfs shows a {@code pid} attribute for each connected
     * device (the process serving it), and none for a free one.
     */
    Optional<Path> freeDevice() throws IOException {
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
