package hast.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hast.conf of two nodes, alpha and beta, on loopback, with one resource r0: each node's
 * replication and NBD ports are free ones chosen here (plain TCP exports, allowed explicitly with
 * {@code export-insecure on}), its control socket is in the folder.
 */
final class PairConf {
    final int listenAlpha;
    final int listenBeta;
    final int nbdAlpha;
    final int nbdBeta;
    private final Path dir;

    PairConf(Path dir) throws IOException {
        this.dir = dir;
        listenAlpha = Node.freePort();
        listenBeta = Node.freePort();
        nbdAlpha = Node.freePort();
        nbdBeta = Node.freePort();
    }

    /**
     * Writes {@code hast.conf} into the folder.
     *
     * @param alphaToBeta where alpha reaches beta: {@link #listenBeta}, or a relay's port
     * @param globals     lines of the global section, before the nodes'
     */
    Path write(Path localAlpha, Path localBeta, int alphaToBeta, String... globals) throws IOException {
        List<String> lines = new ArrayList<>(List.of(globals));
        lines.addAll(List.of(
                node("alpha", listenAlpha, nbdAlpha),
                node("beta", listenBeta, nbdBeta),
                "resource r0 {",
                "  on alpha { local " + localAlpha + " remote tcp4://127.0.0.1:" + alphaToBeta + " }",
                "  on beta { local " + localBeta + " remote tcp4://127.0.0.1:" + listenAlpha + " }",
                "}", ""));
        return Files.writeString(dir.resolve("hast.conf"), String.join("\n", lines));
    }

    private String node(String name, int listen, int nbd) {
        return "on " + name + " { control uds://" + dir.resolve(name + ".ctl") + " listen tcp4://127.0.0.1:" + listen
                + " export tcp://127.0.0.1:" + nbd + " export-insecure on }";
    }
}
