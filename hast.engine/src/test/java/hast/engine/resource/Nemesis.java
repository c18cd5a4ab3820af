package hast.engine.resource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import hast.api.Role;
import hast.api.device.HastDevice;
import hast.engine.local.FaultyDisk;

/**
 * One nemesis trial on an {@link EnginePair}: a random replication mode, a client whose every
 * write can be checked (each 4 KiB block holds bytes derived from its index and the write's
 * sequence number), and a random schedule of faults, each struck while the client writes. After
 * each fault everything heals; once the pair reports complete with nothing dirty, every block is
 * read back through the primary and both copies are compared. The trial ends with the primary's
 * power cut in the middle of writes and a failover to the secondary, which must hold every write
 * the mode promised.
 */
final class Nemesis {
    static final int BLOCK = 4096;
    /** Blocks the client writes to: spread over every extent of the device. */
    static final int BLOCKS = (int) (EnginePair.SIZE / BLOCK) - 256;
    private static final String[] MODES = {"fullsync", "memsync", "async"};

    /** The faults, struck while the client writes. */
    enum Fault {
        LINK_CUT, LINK_RESET, SECONDARY_FREEZE, SECONDARY_POWER, SECONDARY_FLUSH_EIO, SECONDARY_WRITE_EIO,
        PRIMARY_READ_EIO, PRIMARY_WRITE_EIO, PRIMARY_FREEZE, ROLE_SWITCH
    }

    /** What one trial did and found; {@code failure} is {@code null} when every check held. */
    record Outcome(long seed, String mode, Map<String, Integer> faults, long checked, long lost, long divergent,
            String failure) {
    }

    /** What the client knows of one block. */
    private static final class Block {
        /** The last acknowledged write (0: never written, zeros). */
        long acked;
        /** Writes whose outcome is unknown (failed, or in flight at a power cut) since that one. */
        final Set<Long> maybe = new HashSet<>();
        /** The acknowledged write at the last point at which the pair was clean. */
        long atClean;
        /** Writes since that point (after a failover, async promises only that point). */
        final Set<Long> sinceClean = new HashSet<>();
    }

    private final long seed;
    private final Random random;
    private final String mode;
    private final Block[] blocks = new Block[BLOCKS];
    private final Map<String, Integer> faults = new TreeMap<>();
    private final ScheduledExecutorService striker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nemesis-striker");
        t.setDaemon(true);
        return t;
    });
    private final List<java.util.concurrent.ScheduledFuture<?>> strikes = new ArrayList<>();
    private EnginePair pair;
    private EnginePair.Engine primary;
    private EnginePair.Engine secondary;
    private long seq;
    private long checked;
    private long lost;
    private long divergent;

    Nemesis(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        // Consecutive seeds take the modes in turn, so that a short run covers all three.
        this.mode = MODES[(int) Math.floorMod(seed, (long) MODES.length)];
        for (int i = 0; i < BLOCKS; i++) {
            blocks[i] = new Block();
        }
    }

    /** Runs the trial in {@code dir}; never throws for a failed check: the outcome says it. */
    Outcome run(Path dir) {
        String failure = null;
        try (EnginePair p = new EnginePair(Files.createDirectories(dir), mode, true)) {
            pair = p;
            primary = p.alpha;
            secondary = p.beta;
            secondary.role(Role.SECONDARY);
            primary.role(Role.PRIMARY);
            settle();
            int steps = 3 + random.nextInt(4);
            for (int i = 0; i < steps && failure == null; i++) {
                Fault f = Fault.values()[random.nextInt(Fault.values().length)];
                faults.merge(f.name(), 1, Integer::sum);
                strike(f);
                failure = settleAndCheck("after " + f);
            }
            if (failure == null) {
                failure = failover();
            }
        } catch (AssertionError | Exception e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            striker.shutdownNow();
        }
        return new Outcome(seed, mode, faults, checked, lost, divergent, failure);
    }

    /** Writes while the fault strikes at a random moment, then heals everything. */
    private void strike(Fault f) throws Exception {
        long at = random.nextInt(300);
        switch (f) {
            case LINK_CUT -> {
                later(at, () -> {
                    pair.toAlpha.cut();
                    pair.toBeta.cut();
                });
                write(20);
                awaitStrikes();
                pair.toAlpha.heal();
                pair.toBeta.heal();
            }
            case LINK_RESET -> {
                later(at, () -> {
                    pair.toAlpha.reset();
                    pair.toBeta.reset();
                });
                write(20);
                awaitStrikes();
            }
            case SECONDARY_FREEZE -> {
                // Sometimes shorter, sometimes longer than the timeout (1 s): a stalled disk, then a reconnect.
                long thawAfter = 200 + random.nextInt(2500);
                later(at, () -> secondary.disk().freeze());
                later(at + thawAfter, () -> secondary.disk().thaw());
                write(20);
                awaitStrikes();
            }
            case SECONDARY_POWER -> {
                later(at, () -> secondary.powerCut());
                write(20);
                awaitStrikes();
                secondary.boot();
                secondary.role(Role.SECONDARY);
            }
            case SECONDARY_FLUSH_EIO -> {
                later(at, () -> secondary.disk().fail(FaultyDisk.Op.FLUSH, true));
                write(20);
                awaitStrikes();
                secondary.disk().fail(FaultyDisk.Op.FLUSH, false);
            }
            case SECONDARY_WRITE_EIO -> {
                later(at, () -> secondary.disk().fail(FaultyDisk.Op.WRITE, true));
                write(20);
                awaitStrikes();
                secondary.disk().fail(FaultyDisk.Op.WRITE, false);
            }
            case PRIMARY_READ_EIO -> {
                primary.disk().fail(FaultyDisk.Op.READ, true);
                write(5);
                // Served by the secondary while the local disk fails every read.
                String bad = readBack("while the primary's disk fails reads", true);
                primary.disk().fail(FaultyDisk.Op.READ, false);
                if (bad != null) {
                    throw new AssertionError(bad);
                }
            }
            case PRIMARY_WRITE_EIO -> {
                // Bad sectors under 2 MiB of the primary's data: writes there succeed through the
                // secondary, and their extents are copied back once the disk writes again.
                long from = primary.localoff() + (long) random.nextInt(BLOCKS - 512) * BLOCK;
                primary.disk().fail(FaultyDisk.Op.WRITE, from, 2L << 20);
                write(20);
                primary.disk().fail(FaultyDisk.Op.WRITE, false);
            }
            case PRIMARY_FREEZE -> {
                // The primary's own disk stops answering, shorter or longer than the timeout (1 s).
                long thawAfter = 200 + random.nextInt(2500);
                later(at, () -> primary.disk().freeze());
                later(at + thawAfter, () -> primary.disk().thaw());
                write(20);
                awaitStrikes();
            }
            case ROLE_SWITCH -> {
                write(10);
                settle();
                // As an operator does it: demote the primary, promote the secondary, re-attach the old one.
                primary.role(Role.INIT);
                secondary.role(Role.PRIMARY);
                primary.role(Role.SECONDARY);
                EnginePair.Engine was = primary;
                primary = secondary;
                secondary = was;
            }
        }
    }

    /** The pair must become complete and clean, hold what was acknowledged, and hold it twice. */
    private String settleAndCheck(String when) throws Exception {
        settle();
        String bad = readBack(when, true);
        if (bad != null) {
            return bad;
        }
        return compareCopies(when);
    }

    private void settle() throws InterruptedException {
        pair.awaitClean(primary, secondary);
        for (Block b : blocks) {
            b.atClean = b.acked;
            b.sinceClean.clear();
        }
    }

    /**
     * The primary's power goes in the middle of writes; the secondary is promoted and must hold
     * what the mode promised: every acknowledged write in fullsync and memsync, the state of the
     * last clean point (and any later write) in async. Then the old primary comes back as secondary.
     */
    private String failover() throws Exception {
        settle();
        long disconnects = disconnects(primary);
        long at = 50 + random.nextInt(300);
        later(at, () -> primary.powerCut());
        write(40);
        awaitStrikes();
        // A link that dropped on its own (a pause longer than the timeout) degraded the pair: what
        // was acknowledged since is this node's alone, and promoting the other loses it, as the spec allows.
        boolean together = disconnects(primary) == disconnects;
        // Forced: after such a drop the secondary may have been told it is outdated and been cut in
        // its resync, and the failover takes its copy as it is, as the spec's operator does.
        secondary.forceRole(Role.PRIMARY);
        EnginePair.Engine dead = primary;
        primary = secondary;
        secondary = dead;
        String bad = readBack("after the primary's power cut and failover", together && !mode.equals("async"));
        if (bad != null) {
            return bad;
        }
        secondary.boot();
        secondary.role(Role.SECONDARY);
        return settleAndCheck("after the old primary rejoined");
    }

    /** Writes {@code batches} batches of up to 8 concurrent single-block writes, with a flush now and then. */
    private void write(int batches) throws Exception {
        for (int i = 0; i < batches; i++) {
            EnginePair.Engine p = primary;
            if (p.info().role() != Role.PRIMARY || dead(p)) {
                return;
            }
            List<CompletableFuture<Void>> ops = new ArrayList<>();
            List<long[]> targets = new ArrayList<>();
            Set<Integer> chosen = new HashSet<>();
            // Plugged as an exporter plugs for a burst of its client's requests: the batch's frames
            // leave the primary together, at the unplug.
            HastDevice device = deviceOf(p);
            if (device != null) {
                device.plug();
            }
            try {
                for (int k = 1 + random.nextInt(8); k > 0; k--) {
                    int b = random.nextInt(BLOCKS);
                    if (!chosen.add(b)) {
                        continue;
                    }
                    long s = ++seq;
                    Block block = blocks[b];
                    block.maybe.add(s);
                    block.sinceClean.add(s);
                    targets.add(new long[] {b, s});
                    ops.add(submit(p, b, s));
                }
            } finally {
                if (device != null) {
                    device.unplug();
                }
            }
            boolean flush = random.nextInt(4) == 0;
            for (int j = 0; j < ops.size(); j++) {
                int b = (int) targets.get(j)[0];
                long s = targets.get(j)[1];
                if (outcome(ops.get(j))) {
                    Block block = blocks[b];
                    block.acked = s;
                    block.maybe.removeIf(m -> m <= s);
                }
            }
            if (flush) {
                try {
                    p.device().flush().toCompletableFuture().get(EnginePair.DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | AssertionError e) {
                    // A failed flush promises nothing; the writes before it stay as acknowledged.
                }
            }
        }
    }

    private static long disconnects(EnginePair.Engine e) {
        return e.events.stream().filter(ev -> ev.type().equals(hast.api.event.HastEvent.DISCONNECT)).count();
    }

    private CompletableFuture<Void> submit(EnginePair.Engine p, int block, long s) {
        try {
            return p.device().write((long) block * BLOCK, ByteBuffer.wrap(content(block, s)), random.nextInt(16) == 0)
                    .toCompletableFuture();
        } catch (AssertionError | RuntimeException e) {
            // The device went away under the client (a power cut): the write never started.
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether a write was acknowledged; one that hangs past the deadline fails the trial. */
    private static boolean outcome(CompletableFuture<Void> op) throws Exception {
        try {
            op.get(EnginePair.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        } catch (TimeoutException e) {
            throw new AssertionError("a write hung for " + EnginePair.DEADLINE.toSeconds() + " s");
        }
    }

    /** The node's device, or {@code null} when it has none (a power cut went through meanwhile). */
    private static HastDevice deviceOf(EnginePair.Engine e) {
        try {
            return e.device();
        } catch (AssertionError x) {
            return null;
        }
    }

    private static boolean dead(EnginePair.Engine e) {
        return deviceOf(e) == null;
    }

    /**
     * Reads every block through the primary and checks it against what was acknowledged.
     *
     * @param strict whether every acknowledged write must be there (else the last clean point's)
     * @return what was wrong, or {@code null}
     */
    private String readBack(String when, boolean strict) throws Exception {
        int chunk = 1 << 20;
        for (long off = 0; off < (long) BLOCKS * BLOCK; off += chunk) {
            int len = (int) Math.min(chunk, (long) BLOCKS * BLOCK - off);
            byte[] data = primary.read(off, len);
            for (int i = 0; i < len / BLOCK; i++) {
                int b = (int) (off / BLOCK) + i;
                Block block = blocks[b];
                byte[] got = Arrays.copyOfRange(data, i * BLOCK, (i + 1) * BLOCK);
                if (block.acked > 0) {
                    checked++;
                }
                if (matches(got, b, block.acked) || block.maybe.stream().anyMatch(s -> matches(got, b, s))) {
                    continue;
                }
                if (!strict && block.sinceClean.stream().anyMatch(s -> matches(got, b, s))) {
                    continue;
                }
                if (!strict && matches(got, b, block.atClean)) {
                    continue;
                }
                lost++;
                return "block " + b + " " + when + ": holds " + describe(got, b) + ", acknowledged was write #"
                        + block.acked;
            }
        }
        return null;
    }

    private String describe(byte[] got, int b) {
        for (long s = seq; s >= 0; s--) {
            if (matches(got, b, s)) {
                return "write #" + s;
            }
        }
        return "bytes no write put there";
    }

    private String compareCopies(String when) throws Exception {
        byte[] a = pair.alpha.data();
        byte[] b = pair.beta.data();
        int differing = 0;
        for (int off = 0; off < a.length; off += EnginePair.EXTENT) {
            int end = Math.min(a.length, off + EnginePair.EXTENT);
            if (!Arrays.equals(a, off, end, b, off, end)) {
                differing++;
            }
        }
        divergent += differing;
        return differing == 0 ? null
                : differing + " extents differ " + when + " while the pair reports complete with nothing dirty";
    }

    /** The bytes write {@code s} puts in block {@code b}; write 0 is the zeros of a new device. */
    static byte[] content(int b, long s) {
        byte[] data = new byte[BLOCK];
        if (s != 0) {
            new Random(s * 1_000_003L + b).nextBytes(data);
            ByteBuffer.wrap(data).putLong(s).putInt(b);
        }
        return data;
    }

    private static boolean matches(byte[] got, int b, long s) {
        if (s == 0) {
            return Arrays.equals(got, new byte[BLOCK]);
        }
        ByteBuffer h = ByteBuffer.wrap(got);
        return h.getLong() == s && h.getInt() == b && Arrays.equals(got, content(b, s));
    }

    private interface Strike {
        void run() throws Exception;
    }

    private void later(long millis, Strike s) {
        strikes.add(striker.schedule(() -> {
            try {
                s.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return null;
        }, millis, TimeUnit.MILLISECONDS));
    }

    /** Waits until every fault scheduled has struck (a strike that failed fails the trial). */
    private void awaitStrikes() throws Exception {
        for (var f : strikes) {
            f.get(EnginePair.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        strikes.clear();
    }
}
