package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hastctl check} and {@code hastd -t} against the daemon itself: each file hastd refuses to
 * start with is refused by both, with the same file, line, problem and exit status, and a valid
 * file is accepted for both nodes with none of its disks present.
 */
class ConfigCheckIT {
    private static final String THIS_NODE = " (for this node (alpha))";

    @TempDir
    Path dir;

    private String resource(String alphaExtra, String betaExtra) {
        return "resource r {\n on alpha {\n  local " + dir.resolve("a.img") + "\n  remote 127.0.0.2\n" + alphaExtra
                + " }\n on beta {\n  local " + dir.resolve("b.img") + "\n  remote 127.0.0.1\n" + betaExtra + " }\n}\n";
    }

    private String sockets() {
        return "control uds://" + dir.resolve("ctl.sock") + "\nexport uds://" + dir.resolve("nbd.sock") + "\n";
    }

    @Test
    void everyFileTheDaemonRefusesIsRefusedByCheckWithTheSameProblemAndStatus() throws Exception {
        List<String> refused = List.of(
                sockets() + "timeout 0\n" + resource("", ""),
                sockets() + resource("  bogus 3\n", ""),
                sockets() + "resource r {\n on alpha {\n  local /x\n }\n}\n",
                sockets() + resource("", "") + resource("", ""),
                sockets() + "resource r {\n on gamma {\n  local /x\n  remote none\n }\n}\n",
                sockets() + "replication on\n" + resource("", ""),
                sockets() + resource("  link-tls-peer beta\n", ""),
                sockets() + "export tcp://127.0.0.1:10809\n" + resource("", ""),
                sockets() + "user no-such-account-here\n" + resource("", ""));
        int i = 0;
        for (String text : refused) {
            Path conf = Files.writeString(dir.resolve("refused" + i++ + ".conf"), text);
            Node n = new Node("alpha", dir, conf);
            Node.Result daemon = n.run(List.of(Node.RUN.resolve("hastd").toString(), "-F", "-c", conf.toString()), Map.of());
            Node.Result check = n.hastctl("check", "-c", conf.toString(), "alpha");
            Node.Result t = n.run(List.of(Node.RUN.resolve("hastd").toString(), "-t", "-c", conf.toString()), Map.of());
            String problem = check.err().lines().findFirst().orElseThrow(() -> new AssertionError("check accepted:\n" + text));
            assertTrue(problem.startsWith(conf.toString()) && problem.endsWith(" (for alpha)"), problem);
            String bare = problem.substring(0, problem.length() - " (for alpha)".length());
            // A problem of the whole file has no line, and the daemon does not name the file then.
            String said = bare.startsWith(conf + ": ") ? bare.substring(conf.toString().length() + 2) : bare;
            assertTrue(daemon.err().contains(said), "hastd said:\n" + daemon.err() + "\ncheck said: " + problem);
            assertEquals(daemon.exit(), check.exit(), text);
            assertEquals(daemon.exit(), t.exit(), text);
            // A syntax error is every node's, and is reported once, without a node.
            assertTrue(t.err().contains(bare + THIS_NODE) || t.err().equals(bare + "\n"), t.err());
            assertEquals("", check.out() + t.out(), "nothing valid to report");
        }
    }

    @Test
    void aValidFileIsAcceptedForBothNodesWithoutItsDisks() throws Exception {
        Path conf = Files.writeString(dir.resolve("hast.conf"), sockets() + resource("", ""));
        Node n = new Node("alpha", dir, conf);
        Node.Result check = n.hastctl("check", "-c", conf.toString()).expect(0);
        assertEquals(conf + ": valid for this node (alpha): resources r\n" + conf + ": valid for beta: resources r\n",
                check.out());
        Node.Result t = n.run(List.of(Node.RUN.resolve("hastd").toString(), "-t", "-c", conf.toString()), Map.of()).expect(0);
        assertEquals(check.out(), t.out());
        // dump needs the disk, and says only that it is missing.
        Node.Result dump = n.hastctl("dump", "-c", conf.toString(), "r").expect(66);
        assertEquals("Unable to open " + dir.resolve("a.img") + " of resource r: " + dir.resolve("a.img")
                + ": no such file or device\n", dump.err());
        Node.Result missing = n.hastctl("check", "-c", dir.resolve("none.conf").toString()).expect(72);
        assertEquals(dir.resolve("none.conf") + ": no such file\n", missing.err());
    }
}
