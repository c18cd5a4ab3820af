package hast.engine.resource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nemesis trials (see {@link Nemesis}): a few in every build, as many as asked by
 * {@code run/faults/nemesis.sh} ({@code -Dnemesis.trials=N -Dnemesis.seed=S}). Prints a line per
 * trial and a closing table; fails naming the seed of every trial that lost or diverged.
 */
class NemesisTest {
    @TempDir
    Path dir;

    @Test
    void noAcknowledgedWriteIsLostAndNoCleanExtentDiffers() {
        int trials = Integer.getInteger("nemesis.trials", 3);
        long first = Long.getLong("nemesis.seed", 20261207L);
        List<Nemesis.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            long seed = first + i;
            long start = System.nanoTime();
            Nemesis.Outcome o = new Nemesis(seed).run(dir.resolve("trial-" + seed));
            outcomes.add(o);
            System.out.printf("nemesis trial %d/%d seed %d %-8s %5.1f s checked %6d lost %d divergent %d faults %s %s%n",
                    i + 1, trials, seed, o.mode(), (System.nanoTime() - start) / 1e9, o.checked(), o.lost(),
                    o.divergent(), o.faults(), o.failure() == null ? "ok" : "FAILED: " + o.failure());
        }
        String table = table(outcomes);
        System.out.print(table);
        List<String> failed = outcomes.stream().filter(o -> o.failure() != null)
                .map(o -> "seed " + o.seed() + " (" + o.mode() + "): " + o.failure()).toList();
        if (!failed.isEmpty()) {
            throw new AssertionError(failed.size() + " of " + trials + " trials failed:\n" + String.join("\n", failed)
                    + "\n" + table);
        }
    }

    /** The closing table: per mode, trials, faults by kind, writes checked, lost, divergent extents. */
    static String table(List<Nemesis.Outcome> outcomes) {
        StringBuilder s = new StringBuilder("\n| mode | trials | failed | acknowledged writes checked | lost | divergent extents |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        Map<String, long[]> byMode = new TreeMap<>();
        Map<String, Integer> faults = new TreeMap<>();
        for (Nemesis.Outcome o : outcomes) {
            long[] row = byMode.computeIfAbsent(o.mode(), m -> new long[5]);
            row[0]++;
            row[1] += o.failure() == null ? 0 : 1;
            row[2] += o.checked();
            row[3] += o.lost();
            row[4] += o.divergent();
            o.faults().forEach((f, n) -> faults.merge(f, n, Integer::sum));
        }
        byMode.forEach((mode, r) -> s.append(String.format("| %s | %d | %d | %d | %d | %d |%n", mode, r[0], r[1], r[2],
                r[3], r[4])));
        s.append("\nfaults injected: ").append(faults).append('\n');
        return s.toString();
    }
}
