package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hastd and hastctl as processes: their exit statuses and messages on each error path. */
class DaemonIT {
    @TempDir
    Path dir;
    /** One port for every daemon of a test: a second daemon must fail on pidfile or socket, not on this. */
    private final int listenPort = freshPort();

    private static int freshPort() {
        try {
            return Node.freePort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Node node(String config) throws Exception {
        Path conf = dir.resolve("hast.conf");
        Files.writeString(conf, config);
        return new Node("solo", dir, conf);
    }

    private String basicConfig() {
        return String.join("\n",
                "control uds://" + dir.resolve("ctl.sock"),
                "listen tcp4://127.0.0.1:" + listenPort,
                "pidfile " + dir.resolve("hastd.pid"),
                "export uds://" + dir.resolve("nbd.sock"), "");
    }

    private Node.Result hastd(Node n, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Node.RUN.resolve("hastd").toString()));
        cmd.addAll(List.of(args));
        return n.run(cmd, Map.of("HASTD_LOG", dir.resolve("bg.log").toString()));
    }

    @Test
    void helpAndBadUsage() throws Exception {
        Node n = node(basicConfig());
        Node.Result help = hastd(n, "-h").expect(0);
        assertTrue(help.out().startsWith("usage: hastd [-dFht] [-c config] [-P pidfile] [-u user]"), help.out());
        assertTrue(help.out().contains("serves only its owner and root") && help.out().contains("hastctl(8)"),
                help.out());
        for (String sub : List.of("list", "status", "dump", "events", "verify")) {
            Node.Result h = n.hastctl(sub, "--help").expect(0);
            assertTrue(h.out().startsWith("usage: hastctl " + sub + " "), h.out());
        }
        assertTrue(n.hastctl("list", "-h").expect(0).out().contains("queue depths"));
        assertTrue(n.hastctl("events", "-h").expect(0).out().contains("--json"));
        Node.Result bad = hastd(n, "-F", "-x").expect(64);
        assertTrue(bad.err().contains("unknown option -x"), bad.err());
    }

    @Test
    void anInvalidConfigurationIsRefusedWithFileLineAndStatus78() throws Exception {
        Node n = node("resource r {\n  on solo {\n    local /x\n    remote none\n    bogus 3\n  }\n}\n");
        Node.Result r = hastd(n, "-F", "-c", n.conf.toString()).expect(78);
        assertTrue(r.err().contains(n.conf + ":5: "), r.err());
    }

    @Test
    void aMissingConfigurationExits72AndBackgroundStartReportsIt() throws Exception {
        Node n = node(basicConfig());
        Path missing = dir.resolve("missing.conf");
        Node.Result fg = hastd(n, "-F", "-c", missing.toString()).expect(72);
        assertTrue(fg.err().contains(missing + ": no such file"), fg.err());
        Node.Result bg = hastd(n, "-c", missing.toString()).expect(72);
        assertTrue(bg.err().contains("failed to start"), bg.err());
    }

    @Test
    void backgroundStartWritesThePidfileAndASecondDaemonIsRefused() throws Exception {
        Node n = node(basicConfig());
        hastd(n, "-c", n.conf.toString()).expect(0);
        Path pidfile = dir.resolve("hastd.pid");
        long pid = Long.parseLong(Files.readString(pidfile).trim());
        try {
            n.hastctl("status", "-c", n.conf.toString()).expect(Node.COMPLETE);  // no resource, none behind
            Node.Result second = hastd(n, "-F", "-P", pidfile.toString(), "-c", n.conf.toString()).expect(75);
            assertTrue(second.err().contains("Another hastd is already running, pidfile: " + pidfile + ", pid: " + pid),
                    second.err());
            // Without a pidfile (-F), the live control socket still keeps a second daemon out.
            Node.Result third = hastd(n, "-F", "-c", n.conf.toString()).expect(71);
            assertTrue(third.err().contains("is in use: another hastd is running with it."), third.err());
            n.hastctl("status", "-c", n.conf.toString()).expect(Node.COMPLETE);
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        Node.awaitTrue("the daemon to stop and remove its pidfile", () -> !Files.exists(pidfile));
        n.hastctl("status", "-c", n.conf.toString()).expect(71);
    }

    /**
     * The launcher's class-data sharing archive only ever saves time: without one the daemon starts
     * and the launcher makes one in the background; one under the expected name that the JVM cannot
     * use (damaged, or of a JVM updated in place) must not keep the daemon from starting either, and
     * is replaced (the JVM ran without any class sharing).
     */
    @Test
    void theDaemonStartsWithoutItsClassArchiveAndWithAStaleOne() throws Exception {
        Node n = node(basicConfig());
        Path cds = dir.resolve("cds");
        Path pidfile = dir.resolve("hastd.pid");
        List<String> cmd = List.of(Node.RUN.resolve("hastd").toString(), "-c", n.conf.toString());
        Map<String, String> env = Map.of("HASTD_LOG", dir.resolve("bg.log").toString(), "HASTD_CDS_DIR", cds.toString());
        List<Path> archives = new ArrayList<>();
        byte[] stale = new byte[64 << 10];
        new Random(13).nextBytes(stale);
        for (String archive : List.of("missing", "stale")) {
            n.run(cmd, env).expect(0);
            ProcessHandle jvm = ProcessHandle.of(Long.parseLong(Files.readString(pidfile).trim())).orElseThrow();
            try {
                n.hastctl("status", "-c", n.conf.toString()).expect(Node.COMPLETE);
                if (archive.equals("missing")) {
                    // Made by a niced JVM of its own: slower than a start on a busy machine.
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                    while (archives.size() != 1) {
                        assertTrue(System.nanoTime() < deadline, "no archive made in " + cds);
                        TimeUnit.MILLISECONDS.sleep(100);
                        try (var files = Files.list(cds)) {
                            archives.clear();
                            files.filter(f -> f.toString().endsWith(".jsa")).forEach(archives::add);
                        }
                    }
                } else {
                    List<String> args = List.of(jvm.info().arguments().orElseThrow());
                    assertTrue(args.contains("-XX:SharedArchiveFile=" + archives.get(0)), args.toString());
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                    while (!Files.isRegularFile(archives.get(0)) || Files.size(archives.get(0)) == stale.length) {
                        assertTrue(System.nanoTime() < deadline, "the refused archive was not replaced");
                        TimeUnit.MILLISECONDS.sleep(100);
                    }
                }
            } finally {
                jvm.destroy();
            }
            Node.awaitTrue("the daemon to stop and remove its pidfile", () -> !Files.exists(pidfile));
            if (archive.equals("missing")) {
                // The same name, but bytes the JVM refuses (its header's magic differs).
                Files.write(archives.get(0), stale);
            }
        }
        // The training JVM removes its folder once its archive is installed: let it go before the
        // test's folder does.
        Node.awaitTrue("the launcher's training to end", () -> {
            try (var files = Files.list(cds)) {
                return files.noneMatch(f -> f.getFileName().toString().startsWith(".training"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void hastctlWithoutADaemonOrWithABadConfig() throws Exception {
        Node n = node(basicConfig());
        Node.Result none = n.hastctl("list", "-c", n.conf.toString()).expect(71);
        assertTrue(none.err().startsWith("Unable to connect to hastd via uds://" + dir.resolve("ctl.sock")), none.err());
        Files.writeString(n.conf, "timeout 0\n");
        Node.Result bad = n.hastctl("status", "-c", n.conf.toString()).expect(78);
        assertTrue(bad.err().contains("Negative or zero timeout."), bad.err());
        n.hastctl("frobnicate").expect(64);
        n.hastctl("--help").expect(0);
    }

    /** A daemon with one resource r on a fresh 8 MiB provider with 1 MiB extents, no peer, in init. */
    private Node soloDaemon() throws Exception {
        Node n = node(basicConfig() + "resource r {\n on solo {\n  local " + dir.resolve("disk.img")
                + "\n  remote none\n }\n}\n");
        Node.disk(dir.resolve("disk.img"), 8 << 20);
        n.hastctl("create", "-c", n.conf.toString(), "-e", "1M", "r").expect(0);
        return n.start();
    }

    @Test
    void jsonFormsAndTheExitStatusesOfEachErrorPathFromARealDaemon() throws Exception {
        try (Node n = soloDaemon()) {
            String c = n.conf.toString();
            Node.Result status = n.hastctl("status", "-c", c, "--json").expect(Node.IDLE);
            assertEquals("{\"resources\":[{\"name\":\"r\",\"status\":null,\"role\":\"init\",\"localpath\":\""
                    + dir.resolve("disk.img") + "\",\"remoteaddr\":\"none\",\"consistency\":null,\"state\":\"idle\",\"syncrate\":null}]}\n", status.out());
            n.hastctl("role", "-c", c, "primary", "r").expect(0);
            Node.Result list = n.hastctl("list", "-c", c, "--json", "r").expect(Node.DEGRADED);  // remote none
            assertTrue(list.out().startsWith("{\"resources\":[{\"name\":\"r\",\"role\":\"primary\",\"provname\":\"r\""),
                    list.out());
            assertTrue(list.out().contains(",\"queues\":{\"local\":0,\"send\":0,\"recv\":0,\"done\":0,\"idle\":64},"),
                    list.out());
            assertTrue(n.hastctl("list", "-c", c, "r").expect(Node.DEGRADED).out()
                    .contains("    queues: local: 0, send: 0, recv: 0, done: 0, idle: 64\n"));
            Node.Result dump = n.hastctl("dump", "-c", c, "--json").expect(0);
            assertTrue(dump.out().matches("\\{\"resources\":\\[\\{\"name\":\"r\",\"datasize\":\\d+,\"extentsize\":1048576,"
                    + "\"keepdirty\":1024,\"localoff\":8192,\"resuid\":\\d+,\"localcnt\":\\d+,\"remotecnt\":\\d+,"
                    + "\"prevrole\":\"primary\",\"consistency\":\"consistent\"}]}\n"), dump.out());

            // Unknown resource: 1 from hastd (list, status, events, verify), 65 for the local dump.
            assertEquals("{\"resources\":[{\"name\":\"ghost\",\"error\":1}]}\n",
                    n.hastctl("list", "-c", c, "--json", "ghost").expect(1).out());
            assertEquals("ghost\tERR1\n", n.hastctl("status", "-c", c, "ghost").expect(1).out().lines().skip(1)
                    .findFirst().orElse("") + "\n");
            assertEquals("Unknown resource ghost.\n", n.hastctl("events", "-c", c, "ghost").expect(1).err());
            assertEquals("Unknown resource ghost.\n", n.hastctl("verify", "-c", c, "ghost").expect(1).err());
            n.hastctl("dump", "-c", c, "ghost").expect(65);
            // verify needs a secondary.
            assertEquals("[r] The resource has no secondary (remote none): there is nothing to verify against.\n",
                    n.hastctl("verify", "-c", c, "r").expect(69).err());
            n.hastctl("role", "-c", c, "init", "r").expect(0);
            assertEquals("[r] The resource is init here; verify runs on the primary.\n",
                    n.hastctl("verify", "-c", c, "r").expect(69).err());
            // Bad flags: 64 with the problem and the usage, before anything reaches the daemon.
            for (String[] bad : new String[][] {{"list", "--bogus"}, {"status", "-x"}, {"role", "--json", "init", "r"},
                {"verify"}, {"events", "-e", "1M"}}) {
                Node.Result r = n.hastctl(bad).expect(64);
                assertTrue(r.err().startsWith("hastctl: ") && r.err().contains("usage: hastctl create"), r.err());
            }
            // Bad configuration: 78 for an invalid one, 72 for a missing one.
            Path broken = Files.writeString(dir.resolve("broken.conf"), "timeout 0\n");
            n.hastctl("list", "-c", broken.toString(), "--json").expect(78);
            n.hastctl("events", "-c", dir.resolve("missing.conf").toString()).expect(72);
        }
        // No daemon: 71, naming the socket.
        Node n = node(basicConfig());
        for (String sub : List.of("list", "status", "events", "reload")) {
            Node.Result r = n.hastctl(sub, "-c", n.conf.toString()).expect(71);
            assertTrue(r.err().startsWith("Unable to connect to hastd via uds://" + dir.resolve("ctl.sock")), r.err());
        }
        n.hastctl("verify", "-c", n.conf.toString(), "r").expect(71);
    }

    @Test
    void eventsAreFollowedLiveUntilInterruptedAndExitZero() throws Exception {
        try (Node n = soloDaemon()) {
            Path out = dir.resolve("events.out");
            Path err = dir.resolve("events.err");
            Process text = n.spawnHastctl(out, err, "events", "-d", "-c", n.conf.toString());
            Path jsonOut = dir.resolve("events.json");
            Process json = n.spawnHastctl(jsonOut, dir.resolve("events-json.err"), "events", "-d", "--json", "-c",
                    n.conf.toString(), "r");
            try {
                Node.awaitTrue("both followers to be listening", () -> read(err).startsWith("Following events of all")
                        && read(dir.resolve("events-json.err")).startsWith("Following events of r;"));
                n.hastctl("role", "-c", n.conf.toString(), "primary", "r").expect(0);
                Node.awaitTrue("the state line, then the role event's", () -> read(out).matches(
                        "\\S+Z r state init - disconnected idle\n"
                        + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z r role init primary\n"));
                Node.awaitTrue("the role event as JSON", () -> read(jsonOut).matches(
                        "\\{\"type\":\"state\",\"resource\":\"r\",\"details\":\\[\"init\",\"-\",\"disconnected\",\"idle\"],"
                        + "\"time\":\"[-0-9T:.]+Z\",\"exec\":\"[^\"]*\"}\n"
                        + "\\{\"type\":\"role\",\"resource\":\"r\",\"details\":\\[\"init\",\"primary\"],"
                        + "\"time\":\"[-0-9T:.]+Z\",\"exec\":\"[^\"]*\"}\n"));
            } finally {
                for (Process p : List.of(text, json)) {
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                }
            }
            for (Process p : List.of(text, json)) {
                assertTrue(p.waitFor(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS), "hastctl events ends on SIGINT");
                assertEquals(0, p.exitValue(), read(err));
            }
            // The daemon has let them go: its control socket serves others, as many as before.
            n.hastctl("status", "-c", n.conf.toString()).expect(Node.DEGRADED);  // primary, remote none
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Thousands of seeded byte sequences on a real daemon's control socket: random bytes, valid
     * requests cut short, headers announcing huge lengths, valid headers with garbage bodies. Each
     * is answered (with an error status and a message for what is malformed) or dropped, and the
     * daemon goes on serving.
     */
    @Test
    void fuzzedBytesOnTheControlSocketAreAnsweredOrDroppedAndTheDaemonKeepsServing() throws Exception {
        try (Node n = soloDaemon()) {
            Path socket = dir.resolve("ctl.sock");
            Random random = new Random(20260301L);
            byte[] valid = request(List.of("status", "r"));
            int answered = 0;
            for (int i = 0; i < 3000; i++) {
                byte[] attack = switch (i % 5) {
                    case 0 -> bytes(random, random.nextInt(300));
                    case 1 -> java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
                    case 2 -> ByteBuffer.allocate(13).put("HCTL".getBytes(StandardCharsets.US_ASCII)).put((byte) 1)
                            .putInt(random.nextInt(4) + 1).putInt(random.nextInt() | 0x10000).array();
                    case 3 -> ByteBuffer.allocate(9 + 64).put("HCTL".getBytes(StandardCharsets.US_ASCII)).put((byte) 1)
                            .putInt(random.nextInt(8)).put(bytes(random, 64)).array();
                    default -> {
                        byte[] b = valid.clone();
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                        yield b;
                    }
                };
                String reply = exchange(socket, attack);
                if (reply != null) {
                    answered++;
                    assertTrue(reply.matches("(?s)status (0|1|64|70): .*"), i + ": " + reply);
                    if (reply.startsWith("status 70")) {
                        assertTrue(reply.contains("hastd: malformed control request: "), i + ": " + reply + " for "
                                + java.util.HexFormat.of().formatHex(attack));
                    }
                }
            }
            assertTrue(answered > 1000, answered + " of 3000 answered");
            Node.Result status = n.hastctl("status", "-c", n.conf.toString(), "r").expect(Node.IDLE);
            assertTrue(status.out().contains("r\t-        init"), status.out());
            assertTrue(n.daemon().isAlive());
        }
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** The control protocol's request frame, built here as any client would. */
    private static byte[] request(List<String> args) {
        List<byte[]> encoded = new ArrayList<>();
        int size = 9;
        for (String a : args) {
            encoded.add(a.getBytes(StandardCharsets.UTF_8));
            size += 4 + encoded.get(encoded.size() - 1).length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).put("HCTL".getBytes(StandardCharsets.US_ASCII)).put((byte) 1)
                .putInt(args.size());
        encoded.forEach(e -> b.putInt(e.length).put(e));
        return b.array();
    }

    /** Sends bytes, says there are no more, and reads the reply: "status N: stderr", or null when dropped. */
    private static String exchange(Path socket, byte[] bytes) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            try {
                ch.write(ByteBuffer.wrap(bytes));
                ch.shutdownOutput();
            } catch (IOException dropped) {
                return null;
            }
            ByteBuffer in = ByteBuffer.allocate(1 << 16);
            while (ch.read(in) >= 0 && in.hasRemaining()) {
                // until the daemon hangs up
            }
            in.flip();
            if (in.remaining() < 9) {
                return null;
            }
            byte[] magic = new byte[4];
            in.get(magic);
            assertEquals("HCTR", new String(magic, StandardCharsets.US_ASCII));
            in.get();
            int status = in.getInt();
            int outLength = in.getInt();
            in.position(in.position() + outLength);
            byte[] err = new byte[in.getInt()];
            in.get(err);
            return "status " + status + ": " + new String(err, StandardCharsets.UTF_8);
        } catch (IOException reset) {
            return null;
        }
    }

    @Test
    void createRefusesProblemsWithTheReferenceStatuses() throws Exception {
        Node n = node(basicConfig() + "resource r {\n on solo {\n  local " + dir.resolve("disk.img") + "\n  remote none\n }\n}\n");
        Node.Result missing = n.hastctl("create", "-c", n.conf.toString(), "r").expect(66);
        assertTrue(missing.err().contains("disk.img"), missing.err());
        Node.disk(dir.resolve("disk.img"), 8 << 20);
        n.hastctl("create", "-c", n.conf.toString(), "-e", "3M", "r").expect(65);
        Node.Result tooBig = n.hastctl("create", "-c", n.conf.toString(), "-m", "1G", "r").expect(65);
        assertTrue(tooBig.err().contains("Provided mediasize is larger than provider"), tooBig.err());
        n.hastctl("create", "-c", n.conf.toString(), "ghost").expect(65);
        n.hastctl("create", "-c", n.conf.toString(), "-e", "1M", "-k", "16", "r").expect(0);
        Node.Result dump = n.hastctl("dump", "-c", n.conf.toString(), "r").expect(0);
        assertTrue(dump.out().contains("extentsize: 1048576 (1.0MB)") && dump.out().contains("keepdirty: 16"), dump.out());
        Files.write(dir.resolve("disk.img"), new byte[64], java.nio.file.StandardOpenOption.WRITE);
        Node.Result torn = n.hastctl("dump", "-c", n.conf.toString(), "r").expect(65);
        assertTrue(torn.err().contains("torn or corrupted") || torn.err().contains("does not hold HAST metadata"), torn.err());
    }
}
