package hast.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One HAST node of a system test: a real hastd started through run/hastd, driven through
 * run/hastctl, each in its own process, with the node's name given by HAST_NODE. Failures are
 * plain AssertionErrors, so that JUnit 5 system tests and JUnit 4 in-framework tests share it.
 */
final class Node implements AutoCloseable {
    static final Path RUN = Path.of(System.getProperty("hast.run.dir", "."));
    /** The build folder of run/ (it moves with -Dhast.target): the launchers take their jars from here. */
    static final Path BUILD = Path.of(System.getProperty("hast.build.dir", RUN.resolve("target").toString()));
    static final Duration DEADLINE = Duration.ofSeconds(30);
    /** hastctl status and list's exit statuses (hastctl(8)). */
    static final int COMPLETE = 0;
    static final int DEGRADED = 2;
    static final int INCONSISTENT = 3;
    static final int SPLIT_BRAIN = 4;
    static final int IDLE = 5;

    final String name;
    final Path dir;
    final Path conf;
    /** Environment of the daemon beyond HAST_NODE and TMPDIR (e.g. HASTD_BUNDLES). */
    private final Map<String, String> env = new java.util.HashMap<>();
    /** What hastd runs under, e.g. entering a network namespace of the fault lab. */
    private final List<String> launcher;
    private Process daemon;

    Node(String name, Path dir, Path conf) {
        this(name, dir, conf, List.of());
    }

    Node(String name, Path dir, Path conf, List<String> launcher) {
        this.name = name;
        this.dir = dir;
        this.conf = conf;
        this.launcher = List.copyOf(launcher);
    }

    record Result(int exit, String out, String err) {
        Result expect(int status) {
            if (exit != status) {
                throw new AssertionError("exit status " + exit + ", expected " + status + "; stdout:\n" + out
                        + "\nstderr:\n" + err);
            }
            return this;
        }
    }

    /** Runs {@code run/hastctl args...} as this node and waits for it. */
    Result hastctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(RUN.resolve("hastctl").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, Map.of());
    }

    /** Runs {@code run/hastctl subcommand -c <this node's hast.conf> args...} and waits for it. */
    Result ctl(String subcommand, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(subcommand, "-c", conf.toString()));
        all.addAll(List.of(args));
        return hastctl(all.toArray(new String[0]));
    }

    /** Runs qemu-io's {@code commands} on resource r0 of the NBD export at 127.0.0.1:{@code port}. */
    Result qemuIo(int port, String... commands) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add("nbd://127.0.0.1:" + port + "/r0");
        return run(cmd, Map.of());
    }

    /** Runs a command with HAST_NODE set to this node, collecting its output. */
    Result run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        return run(cmd, env, DEADLINE);
    }

    /** As {@link #run(List, Map)}, for a command that may take longer than {@link #DEADLINE}. */
    Result run(List<String> cmd, Map<String, String> env, Duration deadline) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        environment(pb);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(deadline.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within " + deadline + "; its output so far:\n"
                    + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Sets {@code name=value} in the environment of every later {@link #start}. */
    Node env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Starts {@code run/hastctl args...} as this node without waiting: for commands that run until stopped. */
    Process spawnHastctl(Path out, Path err, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(RUN.resolve("hastctl").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        environment(pb);
        return pb.start();
    }

    /**
     * Starts hastd in the foreground (its log goes to {@code <dir>/<name>.log}) and waits until it
     * answers. It stays root unless {@code extraArgs} name a user with {@code -u}: whether this
     * machine has a {@code hast} account must not change what a test does.
     */
    Node start(String... extraArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(RUN.resolve("hastd").toString(), "-F", "-c", conf.toString(), "-u", "root"));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        environment(pb);
        pb.environment().putAll(env);
        long logged = Files.exists(log()) ? Files.size(log()) : 0;
        daemon = pb.start();
        awaitTrue("hastd " + name + " answering on its control socket", () -> {
            if (!daemon.isAlive()) {
                throw new AssertionError("hastd " + name + " exited with " + daemon.exitValue() + ":\n" + logText());
            }
            try {
                // Each hastctl is a JVM of its own: asking before the daemon has logged a word would
                // only take CPU from the daemon's own start (a lab starts two on two cores).
                return Files.size(log()) > logged && hastctl("status", "-c", conf.toString()).exit < 64;
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        return this;
    }

    /**
     * This node's name and a private temporary folder; the jars of this build (HAST_JAR,
     * HASTCTL_LIB) come from the environment failsafe gives every test process.
     */
    private void environment(ProcessBuilder pb) {
        pb.environment().put("HAST_NODE", name);
        pb.environment().put("TMPDIR", dir.toString());
    }

    Path log() {
        return dir.resolve(name + ".log");
    }

    String logText() {
        try {
            return Files.exists(log()) ? Files.readString(log()) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log: " + e + ")";
        }
    }

    Process daemon() {
        return daemon;
    }

    /** Kills the daemon's JVM with SIGKILL, as a crash would (no flush, no cleanup). */
    void crash() throws InterruptedException {
        jvm().destroyForcibly();
        reap();
    }

    /** The daemon's JVM, under the launcher script. */
    ProcessHandle jvm() {
        return daemon.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElseThrow(() -> new AssertionError("no JVM under hastd " + name));
    }

    /** Waits for a daemon something else has killed to be gone. */
    void reap() throws InterruptedException {
        if (!daemon.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("hastd " + name + " still runs " + DEADLINE + " after it was killed");
        }
        daemon = null;
    }

    /** Stops hastd with SIGTERM and returns its exit status. */
    int stop() throws InterruptedException {
        if (daemon == null) {
            return 0;
        }
        daemon.destroy();
        if (!daemon.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
            throw new AssertionError("hastd " + name + " did not stop within " + DEADLINE + ":\n" + logText());
        }
        int status = daemon.exitValue();
        daemon = null;
        return status;
    }

    /** Kills the daemon, JVM included (killing the launcher script alone would orphan it). */
    @Override
    public void close() throws InterruptedException {
        if (daemon != null) {
            daemon.descendants().forEach(ProcessHandle::destroyForcibly);
            daemon.destroyForcibly().waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            daemon = null;
        }
    }

    /** A TCP port on loopback that nothing listens on right now. */
    /**
     * Node {@code solo} of a hast.conf written into {@code dir}: its control socket there, a free
     * replication port, then {@code globals}; one resource {@code r} on {@code local} with no peer,
     * {@code resourceLines} in the resource's own section.
     */
    static Node solo(Path dir, Object local, List<String> globals, String... resourceLines) throws IOException {
        List<String> lines = new ArrayList<>(List.of("control uds://" + dir.resolve("ctl.sock"),
                "listen tcp4://127.0.0.1:" + freePort()));
        lines.addAll(globals);
        lines.add("resource r {");
        lines.addAll(List.of(resourceLines));
        lines.addAll(List.of(" on solo {", "  local " + local, "  remote none", " }", "}", ""));
        return new Node("solo", dir, Files.writeString(dir.resolve("hast.conf"), String.join("\n", lines)));
    }

    /** {@code file} made (or resized to) {@code bytes}, sparse: a test node's local disk. */
    static Path disk(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Polls {@code condition} until it holds, failing with {@code what} at the deadline. */
    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
