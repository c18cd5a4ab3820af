package hast.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fault lab of run/faults/lab.sh for a system test: two sites, a and b, each a network
 * namespace with its own disk, and the faults a test inflicts on them. The recipes stay in
 * lab.sh; this class only names them for Java and makes sure that whatever a test started,
 * daemons, disks, mounts and namespaces, is gone after {@link #close()}.
 */
final class FaultLab implements AutoCloseable {
    static final Path SCRIPT = Node.RUN.resolve("faults/lab.sh");
    private static final AtomicInteger LABS = new AtomicInteger();

    final Path dir;
    /** Namespaces and links are named after it: unique per JVM and lab, so that labs coexist. */
    final String id;
    private final Map<Node, String> sites = new LinkedHashMap<>();

    FaultLab(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.id = Long.toString(ProcessHandle.current().pid() % 1_000_000, 36) + LABS.incrementAndGet();
        try {
            // A lab of this id can only be left over from a dead JVM that had this pid.
            lab("down");
            lab("up");
        } catch (AssertionError e) {
            lab("down");
            throw e;
        }
    }

    /** The address of a site on the link between the two. */
    String address(String site) throws IOException, InterruptedException {
        return lab("addr", site).strip();
    }

    /**
     * Serves {@code image} as the site's disk and returns the file hastd uses as its provider.
     * {@code options} are lab.sh's: {@code --cache} makes it lose unflushed writes on a power cut.
     */
    Path disk(String site, Path image, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("disk-start", site, image.toString()));
        args.addAll(List.of(options));
        return Path.of(lab(args).strip());
    }

    /** A node whose hastd runs inside the site's namespace; hastctl and NBD clients reach it by Unix sockets. */
    Node node(String site, String name, Path conf) {
        Node n = new Node(name, dir, conf, List.of(SCRIPT.toString(), "-d", dir.toString(), "exec", id, site));
        sites.put(n, site);
        return n;
    }

    /** Cuts the node's link: {@code way} in, out or both; {@code how} drop (silence) or reset. */
    void cut(Node n, String way, String how) throws IOException, InterruptedException {
        lab("cut", site(n), way, how);
    }

    void heal(Node n) throws IOException, InterruptedException {
        lab("heal", site(n));
    }

    /** Caps what the node sends, e.g. {@code 20mbit}; {@code off} lifts the cap. */
    void slow(Node n, String rate) throws IOException, InterruptedException {
        lab("slow", site(n), rate);
    }

    /** Makes {@code op} (read, write, trim or flush) of the node's disk fail with EIO, or work again. */
    void diskFault(Node n, String op, boolean failing) throws IOException, InterruptedException {
        lab("disk-fault", site(n), op, failing ? "on" : "off");
    }

    void diskStall(Node n, boolean stalled) throws IOException, InterruptedException {
        lab("disk-stall", site(n), stalled ? "on" : "off");
    }

    /** The node loses power: its daemon stops dead, its link goes silent, its disk loses what was not flushed. */
    void powerCut(Node n) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("power-cut", site(n)));
        args.add(Long.toString(n.daemon().pid()));
        n.daemon().descendants().forEach(p -> args.add(Long.toString(p.pid())));
        lab(args);
        n.reap();
    }

    /** Boots the node after {@link #powerCut}: its disk holds what had been flushed, and hastd starts. */
    void powerOn(Node n) throws IOException, InterruptedException {
        lab("power-on", site(n));
        n.start();
    }

    /** A hung node: its daemon stops answering without closing a connection. */
    void hang(Node n) throws IOException, InterruptedException {
        signal(n, "STOP");
    }

    void resume(Node n) throws IOException, InterruptedException {
        signal(n, "CONT");
    }

    private void signal(Node n, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(n.jvm().pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " " + n.name + " failed");
        }
    }

    private String site(Node n) {
        String site = sites.get(n);
        if (site == null) {
            throw new AssertionError(n.name + " is not a node of this lab");
        }
        return site;
    }

    /** Runs lab.sh on this lab and returns its output; a failure is the test's. */
    String lab(String subcommand, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString(), "-d", dir.toString(), subcommand, id));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "lab", ".out");
        Path err = Files.createTempFile(dir, "lab", ".err");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within " + Node.DEADLINE);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        System.out.printf("[lab %s] lab.sh %s took %.1f s%n", id, subcommand, (System.nanoTime() - start) / 1e9);
        if (p.exitValue() != 0) {
            throw new AssertionError(cmd + " exited " + p.exitValue() + ":\n" + stdout
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return stdout;
    }

    private String lab(List<String> subcommandAndArgs) throws IOException, InterruptedException {
        return lab(subcommandAndArgs.get(0), subcommandAndArgs.subList(1, subcommandAndArgs.size())
                .toArray(String[]::new));
    }

    /** Daemons first (a stopped one dies of SIGKILL too), then everything lab.sh set up. */
    @Override
    public void close() throws IOException, InterruptedException {
        AssertionError failure = null;
        for (Node n : sites.keySet()) {
            try {
                n.close();
            } catch (RuntimeException | InterruptedException e) {
                failure = failure == null ? new AssertionError("closing " + n.name, e) : failure;
            }
        }
        lab("down");
        if (failure != null) {
            throw failure;
        }
    }
}
