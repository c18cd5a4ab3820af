package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics endpoint of real daemons: its series follow a synchronisation (cut in the middle
 * by a stalled link, then resumed) and the writes around it; without {@code metrics-listen} no
 * port opens; stopping the metrics bundle from the console closes the port and starting it
 * serves again; a reload moves it or closes it.
 */
class MetricsIT {
    private static final int MIB = 1 << 20;
    private static final String R0 = "{resource=\"r0\"}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private StallingProxy proxy;
    private TmuxPane pane;

    @AfterEach
    void stop() throws Exception {
        for (Node n : nodes) {
            n.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (pane != null) {
            pane.close();
        }
    }

    @Test
    void theSeriesFollowASynchronisationAndTheWritesAroundIt() throws Exception {
        PairConf pair = new PairConf(dir);
        proxy = new StallingProxy(pair.listenBeta);
        int port = Node.freePort();
        Path conf = pair.write(dir.resolve("alpha.img"), dir.resolve("beta.img"), proxy.port(),
                "on alpha { metrics-listen 127.0.0.1:" + port + " }", "timeout 5");
        Node alpha = node("alpha", conf);
        Node beta = node("beta", conf);

        alpha.ctl("role", "primary", "r0").expect(0);
        Map<String, Double> alone = awaitScrape(port, "alpha primary and degraded",
                s -> value(s, "hast_role{resource=\"r0\",role=\"primary\"}") == 1
                        && value(s, "hast_status{resource=\"r0\",status=\"degraded\"}") == 1);
        assertEquals(0, alone.get("hast_connected" + R0), alone.toString());
        assertTrue(alone.containsKey("jvm_threads_current"), "the JVM's own series");

        alpha.qemuIo(pair.nbdAlpha, "write -P 0x41 0 32M").expect(0);
        Map<String, Double> written = scrape(port);
        assertTrue(written.get("hast_request_bytes_total{resource=\"r0\",type=\"write\"}") >= 32 * MIB, written.toString());
        assertTrue(written.get("hast_dirty_bytes" + R0) >= 32 * MIB, written.toString());
        assertTrue(written.get("hast_write_latency_seconds_count{component=\"local\",resource=\"r0\"}") > 0,
                written.toString());

        // The synchronisation stalls part way: it is seen under way, with some bytes copied.
        proxy.stallAfter(8 * MIB);
        beta.ctl("role", "secondary", "r0").expect(0);
        Map<String, Double> syncing = awaitScrape(port, "a synchronisation under way with bytes copied",
                s -> value(s, "hast_syncing" + R0) == 1 && value(s, "hast_sync_done_bytes" + R0) > 0);
        double total = syncing.get("hast_sync_bytes" + R0);
        assertTrue(total >= 32 * MIB, syncing.toString());
        assertTrue(syncing.get("hast_sync_done_bytes" + R0) < total, syncing.toString());
        double dataAtStall = syncing.get("hast_data_bytes_total" + R0);
        assertTrue(dataAtStall > 0, syncing.toString());

        // Healed, the link reconnects and the synchronisation finishes: the series move on.
        proxy.heal();
        Map<String, Double> done = awaitScrape(port, "the pair complete", s ->
                value(s, "hast_status{resource=\"r0\",status=\"complete\"}") == 1 && value(s, "hast_dirty_bytes" + R0) == 0
                        && value(s, "hast_syncing" + R0) == 0);
        assertTrue(done.get("hast_data_bytes_total" + R0) > dataAtStall, done.toString());
        assertTrue(done.get("hast_wire_bytes_total" + R0) > 0, done.toString());
        assertTrue(done.get("hast_connects_total" + R0) >= 2, "connected, stalled, reconnected: " + done);
        assertEquals(1, done.get("hast_connected" + R0), done.toString());

        // Connected, a write goes to both disks: both latencies are recorded.
        alpha.qemuIo(pair.nbdAlpha, "write -P 0x42 0 1M").expect(0);
        Map<String, Double> replicated = scrape(port);
        assertTrue(replicated.get("hast_write_latency_seconds_count{component=\"remote\",resource=\"r0\"}") > 0,
                replicated.toString());
        assertEquals(0, replicated.get("hast_split_brains_total" + R0), replicated.toString());
    }

    @Test
    void withoutMetricsListenNoPortOpens() throws Exception {
        PairConf pair = new PairConf(dir);
        Path conf = pair.write(dir.resolve("alpha.img"), dir.resolve("beta.img"), pair.listenBeta);
        Node alpha = node("alpha", conf);
        alpha.ctl("role", "primary", "r0").expect(0);
        // Once primary, every socket the daemon opens is open: the replication listener and the export.
        Node.awaitTrue("the export listening", () -> listeningPorts(alpha).contains(pair.nbdAlpha));
        assertEquals(Set.of(pair.listenAlpha, pair.nbdAlpha), listeningPorts(alpha));
        assertTrue(alpha.logText().lines().noneMatch(l -> l.contains("metrics")), alpha.logText());
    }

    @Test
    void stoppingTheBundleClosesThePortStartingItServesAgainAndAReloadMovesIt() throws Exception {
        Node.disk(dir.resolve("disk0.img"), 16 * MIB);
        int port = Node.freePort();
        Path conf = Files.writeString(dir.resolve("hast.conf"), String.join("\n",
                "control uds://" + dir.resolve("ctl.sock"),
                "listen tcp4://127.0.0.1:" + Node.freePort(),
                "export uds://" + dir.resolve("nbd.sock"),
                "metrics-listen 127.0.0.1:" + port,
                "resource test {",
                "    on solo { local " + dir.resolve("disk0.img") + " remote none }",
                "}", ""));
        Node solo = new Node("solo", dir, conf);
        solo.hastctl("create", "-c", conf.toString(), "test").expect(0);
        pane = TmuxPane.start(dir, Map.of("HAST_NODE", "solo", "TMPDIR", dir.toString(), "HOME", dir.toString()),
                Node.RUN.resolve("hastd") + " -F -c " + conf + " -u root");
        awaitScrape(port, "the endpoint serving", s -> s.containsKey("hast_role{resource=\"test\",role=\"init\"}"));
        pane.await("the console's prompt", s -> s.contains("g!"));

        pane.type("lb -s hast.metrics");
        pane.press("Enter");
        Matcher bundle = Pattern.compile("(?m)^\\s*(\\d+)\\|Active\\s*\\|.*\\|hast\\.metrics ").matcher(
                pane.await("the bundle listed", s -> Pattern.compile("(?m)^\\s*\\d+\\|Active.*\\|hast\\.metrics ")
                        .matcher(s).find()));
        assertTrue(bundle.find());
        String id = bundle.group(1);

        pane.type("stop " + id);
        pane.press("Enter");
        Node.awaitTrue("the metrics port closed", () -> !serves(port));

        pane.type("start " + id);
        pane.press("Enter");
        awaitScrape(port, "the endpoint serving again", s -> s.containsKey("hast_role{resource=\"test\",role=\"init\"}"));

        // A reload that changes the address moves the endpoint; one that removes it closes it.
        int moved = Node.freePort();
        Files.writeString(conf, Files.readString(conf).replace("metrics-listen 127.0.0.1:" + port,
                "metrics-listen 127.0.0.1:" + moved));
        solo.hastctl("reload", "-c", conf.toString()).expect(0);
        awaitScrape(moved, "the endpoint on its new port", s -> s.containsKey("hast_role{resource=\"test\",role=\"init\"}"));
        assertTrue(!serves(port), "the old port closed");
        Files.writeString(conf, Files.readString(conf).replace("metrics-listen 127.0.0.1:" + moved + "\n", ""));
        solo.hastctl("reload", "-c", conf.toString()).expect(0);
        Node.awaitTrue("the endpoint closed by a reload without metrics-listen", () -> !serves(moved));
    }

    /** A sample's value, -1 when the scrape has none (a series appears with its state). */
    private static double value(Map<String, Double> scrape, String sample) {
        return scrape.getOrDefault(sample, -1.0);
    }

    /** The TCP ports the daemon's JVM listens on. */
    private static Set<Integer> listeningPorts(Node n) {
        try {
            Node.Result ss = n.run(List.of("ss", "-H", "-l", "-t", "-n", "-p"), Map.of()).expect(0);
            String pid = "pid=" + n.jvm().pid() + ",";
            Set<Integer> ports = new TreeSet<>();
            for (String line : ss.out().split("\n")) {
                if (line.contains(pid)) {
                    String local = line.trim().split("\\s+")[3];
                    ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)));
                }
            }
            return ports;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean serves(int port) {
        try {
            scrape(port);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Scrapes until {@code condition} holds, failing with the last scrape at the deadline. */
    private static Map<String, Double> awaitScrape(int port, String what,
            java.util.function.Predicate<Map<String, Double>> condition) throws InterruptedException {
        Map<String, Double>[] last = new Map[1];
        try {
            Node.awaitTrue(what, () -> {
                try {
                    last[0] = scrape(port);
                } catch (ConnectException notYet) {
                    return false;
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return condition.test(last[0]);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the last scrape: " + last[0], e);
        }
        return last[0];
    }

    /** GET /metrics: each sample's name with its labels, and its value. */
    private static Map<String, Double> scrape(int port) throws IOException {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(get, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.body());
        }
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    private Node node(String name, Path conf) throws Exception {
        Node n = new Node(name, dir, conf);
        Node.disk(dir.resolve(name + ".img"), 64 * MIB);
        n.ctl("create", "-e", "1M", "r0").expect(0);
        nodes.add(n);
        return n.start();
    }

}
