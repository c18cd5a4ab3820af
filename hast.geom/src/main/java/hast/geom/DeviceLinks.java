package hast.geom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The /dev/hast/&lt;provname&gt; names, as FreeBSD's HAST gives its GEOM Gate devices: symbolic
 * links to the kernel device serving each primary resource, under a root (/ in production).
 */
final class DeviceLinks {
    private final Path folder;

    DeviceLinks(Path root) {
        this.folder = root.resolve("dev/hast");
    }

    /** Makes {@code /dev/hast/<name>} lead to {@code target}, replacing what a crash left there. */
    Path link(String name, Path target) throws IOException {
        Path link = path(name);
        Files.createDirectories(folder);
        Files.deleteIfExists(link);
        return Files.createSymbolicLink(link, target);
    }

    /** Removes {@code /dev/hast/<name>} if it still leads to {@code target} (another may have taken the name since). */
    void unlink(String name, Path target) throws IOException {
        Path link = path(name);
        if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
            Files.delete(link);
        }
    }

    /** The link's path; a name that would leave the folder is refused. */
    Path path(String name) {
        Path link = folder.resolve(name).normalize();
        if (!link.getParent().equals(folder) || name.isEmpty()) {
            throw new IllegalArgumentException("Provider name '" + name + "' cannot name a device in " + folder);
        }
        return link;
    }
}
