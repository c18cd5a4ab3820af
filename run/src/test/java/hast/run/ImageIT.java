package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance image (run/jlink/image.sh): built from this build into a folder of the test's own,
 * it holds the runtime's listed modules (and what they require, nothing more), and a node started from it runs on that runtime,
 * not on the machine's Java, and serves reads and writes over NBD, and its metrics.
 */
class ImageIT {
    @TempDir
    Path dir;
    private Process daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.descendants().forEach(ProcessHandle::destroy);
            daemon.destroy();
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.descendants().forEach(ProcessHandle::destroyForcibly);
                daemon.destroyForcibly();
            }
        }
    }

    /** Runs {@code cmd} with the image's environment: none of the build's jars, no JAVA_HOME. */
    private Node.Result run(Path home, List<String> cmd) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = image(new ProcessBuilder(cmd), home).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within 5 minutes");
        }
        return new Node.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private ProcessBuilder image(ProcessBuilder pb, Path home) {
        pb.environment().keySet().removeAll(List.of("HAST_JAR", "HASTCTL_LIB", "JAVA_HOME"));
        pb.environment().put("HAST_NODE", "solo");
        pb.environment().put("TMPDIR", dir.toString());
        pb.environment().put("HASTD_CDS_DIR", "");
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        return pb;
    }

    @Test
    void aNodeRunsOnTheImagesOwnRuntime() throws Exception {
        Path build = dir.resolve("build");
        Node.Result made = run(dir, List.of(Node.RUN.resolve("jlink/image.sh").toString(), Node.BUILD.toString(), "it",
                build.toString()));
        made.expect(0);
        Path home = build.resolve("image/hast");
        assertTrue(Files.isRegularFile(build.resolve("hast-image-it.tar.gz")), made.out());

        Set<String> listed = new TreeSet<>();
        for (String line : Files.readAllLines(Node.RUN.resolve("jlink/modules"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                listed.add(line.trim());
            }
        }
        Set<String> present = new TreeSet<>();
        run(dir, List.of(home.resolve("runtime/bin/java").toString(), "--list-modules")).expect(0).out().lines()
                .forEach(l -> present.add(l.replaceAll("@.*", "")));
        assertTrue(present.containsAll(listed), "the image's runtime holds the listed modules: " + present);
        // jlink adds what they require (java.naming brings java.security.sasl), but not the desktop
        // toolkit, which only jline's unused console engine refers to.
        assertTrue(!present.contains("java.desktop") && present.size() < listed.size() + 4, present.toString());

        int nbd = Node.freePort();
        int metrics = Node.freePort();
        Path disk = dir.resolve("solo.img");
        Node.disk(disk, 64L << 20);
        Path conf = Files.writeString(dir.resolve("hast.conf"), String.join("\n",
                "on solo { control uds://" + dir.resolve("ctl") + " listen tcp4://127.0.0.1:" + Node.freePort()
                        + " export tcp://127.0.0.1:" + nbd + " export-insecure on metrics-listen 127.0.0.1:" + metrics + " }",
                "resource r0 { on solo { local " + disk + " remote none } }", ""));
        String hastctl = home.resolve("hastctl").toString();
        run(home, List.of(hastctl, "create", "-c", conf.toString(), "r0")).expect(0);

        Path log = dir.resolve("hastd.log");
        daemon = image(new ProcessBuilder(home.resolve("hastd").toString(), "-F", "-c", conf.toString(), "-u", "root"), home)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Node.awaitTrue("hastd from the image answering", () -> {
            if (!daemon.isAlive()) {
                throw new AssertionError("hastd exited with " + daemon.exitValue() + ":\n" + text(log));
            }
            try {
                return run(home, List.of(hastctl, "status", "-c", conf.toString())).exit() < 64;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String java = daemon.descendants().map(p -> p.info().command().orElse("")).filter(c -> c.endsWith("/java"))
                .findFirst().orElseThrow(() -> new AssertionError("no JVM under the launcher"));
        assertEquals(home.resolve("runtime/bin/java").toRealPath().toString(), Path.of(java).toRealPath().toString());

        run(home, List.of(hastctl, "role", "-c", conf.toString(), "primary", "r0")).expect(0);
        String url = "nbd://127.0.0.1:" + nbd + "/r0";
        Node.awaitTrue("the export serving r0", () -> qemuIo(url, "read 0 4k").exit() == 0);
        qemuIo(url, "write -P 0x5a 1M 1M").expect(0);
        Node.Result read = qemuIo(url, "read -P 0x5a 1M 1M").expect(0);
        assertTrue(!read.out().contains("Pattern verification failed"), read.out());

        // The metrics bundle's HTTP server and the process's series come from modules that jdeps
        // cannot find (jdk.httpserver, jdk.management; see jlink/modules): the image has them.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/metrics")).build();
        Node.awaitTrue("the image's metrics endpoint serving r0 and the process", () -> {
            try {
                String body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
                return body.contains("hast_role{resource=\"r0\",role=\"primary\"} 1.0")
                        && body.contains("process_open_fds ");
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    private Node.Result qemuIo(String url, String command) {
        try {
            List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-c", command, url));
            return run(dir, cmd);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
