package hast.run;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a system test attaches and mounts with unmodified tools: loop devices over files
 * ({@code losetup -f --show}, so each is the test's own), NBD exports made block devices
 * ({@code nbdfuse} exposes the export as a file, {@code losetup} makes it a device), and mounts.
 * {@link #close()} undoes all of it in reverse order, whatever failed.
 */
final class BlockStack implements AutoCloseable {
    private static final long COMMAND_SECONDS = 120;

    @FunctionalInterface
    private interface Undo {
        void run() throws Exception;
    }

    private final Path dir;
    private final Deque<Undo> undo = new ArrayDeque<>();
    private int fuses;

    BlockStack(Path dir) {
        this.dir = dir;
    }

    /** A loop device over {@code file}. */
    Path loop(Path file) throws IOException, InterruptedException {
        Path device = Path.of(run("losetup", "-f", "--show", file.toString()).strip());
        undo.push(() -> run("losetup", "-d", device.toString()));
        return device;
    }

    /**
     * The NBD export at {@code url} as a block device: nbdfuse serves it as a file under a FUSE
     * mount of its own, and a loop device goes over that file.
     */
    Path nbd(String url) throws IOException, InterruptedException {
        Path mountpoint = Files.createDirectories(dir.resolve("fuse" + fuses++));
        Path pidfile = mountpoint.resolveSibling(mountpoint.getFileName() + ".pid");
        Process nbdfuse = new ProcessBuilder("nbdfuse", "-P", pidfile.toString(), mountpoint.toString(), url)
                .redirectErrorStream(true).redirectOutput(dir.resolve(mountpoint.getFileName() + ".log").toFile())
                .start();
        undo.push(() -> {
            // Also when nbdfuse has gone (its server died): the mount stays until unmounted.
            Result unmount = exec("fusermount3", "-u", "-z", mountpoint.toString());
            if (!nbdfuse.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                nbdfuse.destroyForcibly();
            }
            if (Files.readString(Path.of("/proc/self/mounts")).contains(" " + mountpoint + " ")) {
                throw new IOException("fusermount3 -u " + mountpoint + " exited " + unmount.exit() + ": " + unmount.out());
            }
        });
        Node.awaitTrue("nbdfuse serving " + url, () -> {
            if (!nbdfuse.isAlive()) {
                fail("nbdfuse " + url + " exited with " + nbdfuse.exitValue());
            }
            try {
                return Files.exists(pidfile) && Files.size(pidfile) > 0;
            } catch (IOException e) {
                return false;
            }
        });
        return loop(mountpoint.resolve("nbd"));
    }

    /** Mounts {@code device} on a new folder and returns the folder. */
    Path mount(Path device) throws IOException, InterruptedException {
        Path at = Files.createDirectories(dir.resolve("mnt-" + device.getFileName()));
        run("mount", device.toString(), at.toString());
        // A device that stopped answering (its primary was killed) may refuse a plain unmount.
        undo.push(() -> {
            try {
                run("umount", at.toString());
            } catch (IOException stuck) {
                run("umount", "-l", at.toString());
            }
        });
        return at;
    }

    /** Undoes the most recent step now (e.g. unmounting before a check), leaving earlier ones. */
    void release() throws Exception {
        undo.pop().run();
    }

    /** Runs a command, failing with its output unless it exits 0; returns its standard output. */
    static String run(String... command) throws IOException, InterruptedException {
        Result r = exec(command);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + r.exit() + ": " + r.out());
        }
        return r.out();
    }

    record Result(int exit, String out) {
    }

    /** Runs a command and returns its exit status and output (standard error included). */
    static Result exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + COMMAND_SECONDS + " s");
        }
        return new Result(p.exitValue(), out);
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
