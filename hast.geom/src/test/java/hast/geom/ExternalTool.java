package hast.geom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An NBD client program run to completion; a missing one fails the test, as README's list of packages says. */
record ExternalTool(int exit, String output) {

    /** Runs {@code command}, its output in a file under {@code dir} so a chatty tool never blocks on a pipe. */
    static ExternalTool run(Path dir, String... command) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(Path.of(command[0])), command[0]
                + " is not installed (apt-get install qemu-utils libnbd-bin)");
        Path log = Files.createTempFile(dir, "out-" + Path.of(command[0]).getFileName(), ".log");
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(finished, command[0] + " did not finish: " + out);
        return new ExternalTool(p.exitValue(), out);
    }

    /** Runs {@code command}, which must succeed, and returns its output. */
    static String succeed(Path dir, String... command) throws IOException, InterruptedException {
        ExternalTool t = run(dir, command);
        assertTrue(t.exit() == 0, command[0] + " failed (" + t.exit() + "): " + t.output());
        return t.output();
    }
}
