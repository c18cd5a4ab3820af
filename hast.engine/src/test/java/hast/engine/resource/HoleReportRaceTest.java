package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import hast.api.Role;
import hast.api.device.Allocation;
import hast.engine.local.FaultyDisk;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block status calls a range a hole only where reads come from this disk, and that can change
 * while the disk's holes are sought: a hole reported where the data is, only in the secondary
 * or only since the search, would make a client that skips holes (nbdcopy, qemu-img convert) lose
 * it. Each test holds the search's answer on the primary's disk while the range changes hands.
 */
class HoleReportRaceTest {
    private static final long E = 8L * EnginePair.EXTENT;

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;

    @Test
    void anExtentCopiedFromTheSecondaryWhileItsHolesAreSoughtIsReportedAsData() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.startInSync();
        // Beta writes E while alpha is down, where alpha's file is a hole.
        pair.alpha.role(Role.INIT);
        pair.beta.role(Role.PRIMARY);
        EnginePair.done(pair.beta.write(E, data(), false));
        pair.beta.role(Role.SECONDARY);
        // Alpha comes back behind; its copy of E waits on beta's disk until alpha has sought E's holes.
        FaultyDisk.Trap copy = pair.beta.disk().trap(FaultyDisk.Op.READ, pair.beta.localoff() + E, EnginePair.EXTENT);
        pair.alpha.role(Role.PRIMARY);
        FaultyDisk.Trap seek = pair.alpha.disk().trap(FaultyDisk.Op.SEEK, pair.alpha.localoff() + E, EnginePair.EXTENT);
        try {
            EnginePair.await("alpha copying E from beta", copy::caught);
            CompletableFuture<List<Allocation>> answer = allocationOfE();
            // A device that knows E is not copied yet need not search at all.
            EnginePair.await("alpha searching E's holes, or answering", () -> seek.caught() || answer.isDone());
            if (seek.caught()) {
                // The copy of E (and the rest of the pass) ends while the answer is held.
                copy.release();
                pair.awaitClean(pair.alpha, pair.beta);
                seek.release();
            }
            assertEquals(List.of(new Allocation(EnginePair.EXTENT, false)), answered(answer), "E holds beta's write");
        } finally {
            copy.release();
            seek.release();
        }
    }

    @Test
    void anExtentThatTurnsStaleWhileItsHolesAreSoughtIsReportedAsData() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.startInSync();
        FaultyDisk disk = pair.alpha.disk();
        FaultyDisk.Trap seek = disk.trap(FaultyDisk.Op.SEEK, pair.alpha.localoff() + E, EnginePair.EXTENT);
        try {
            CompletableFuture<List<Allocation>> answer = allocationOfE();
            EnginePair.await("alpha searching E's holes", seek::caught);
            // Alpha's disk fails the write, beta stores it: only beta holds E now.
            disk.fail(FaultyDisk.Op.WRITE, pair.alpha.localoff() + E, EnginePair.EXTENT);
            EnginePair.done(pair.alpha.write(E, data(), false));
            seek.release();
            assertEquals(List.of(new Allocation(EnginePair.EXTENT, false)), answered(answer), "E holds the write");
        } finally {
            seek.release();
            disk.fail(FaultyDisk.Op.WRITE, false);
        }
    }

    /** Alpha's block status of E, asked in another thread: the device answers in the caller's. */
    private CompletableFuture<List<Allocation>> allocationOfE() {
        return CompletableFuture.supplyAsync(() -> pair.alpha.device().allocation(E, EnginePair.EXTENT))
                .thenCompose(a -> a);
    }

    private static List<Allocation> answered(CompletableFuture<List<Allocation>> answer) throws Exception {
        return answer.get(EnginePair.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private static byte[] data() {
        byte[] data = new byte[65536];
        Arrays.fill(data, (byte) 0x42);
        return data;
    }
}
