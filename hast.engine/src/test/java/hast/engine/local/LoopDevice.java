package hast.engine.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A loop device of the test's own (losetup -f --show), over a file the test made; detached on close. */
final class LoopDevice implements AutoCloseable {
    final Path device;
    final Path backing;

    private LoopDevice(Path device, Path backing) {
        this.device = device;
        this.backing = backing;
    }

    /** Attaches {@code backing} with the given logical block size (512 or 4096). */
    static LoopDevice attach(Path backing, int sectorSize) throws IOException, InterruptedException {
        String out = run("losetup", "-f", "--show", "--sector-size", String.valueOf(sectorSize), backing.toString());
        return new LoopDevice(Path.of(out.strip()), backing);
    }

    /** Runs a command, failing with its output unless it exits 0; returns its standard output. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** Blocks of 512 bytes the file system has allocated to {@code file} (stat's %b). */
    static long allocatedBlocks(Path file) throws IOException, InterruptedException {
        return Long.parseLong(run("stat", "-c", "%b", file.toString()).strip());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("losetup", "-d", device.toString()));
        run(cmd.toArray(String[]::new));
    }
}
