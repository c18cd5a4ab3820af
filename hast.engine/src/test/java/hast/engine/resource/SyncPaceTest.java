package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.control.ResourceInfo;
import hast.api.event.HastEvent;
import hast.engine.config.SyncRateConfig;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary's synchronisation held to its {@code syncrate}, paused and resumed by an operator,
 * and given a new rate by a reload while it runs: two engines in one JVM. Nothing here depends
 * on how fast the copy goes; the rate is checked as the primary reports it.
 */
class SyncPaceTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;

    /** Starts the first (full) synchronisation, held to {@code syncrate}, and waits until it copied something. */
    private void startSync(String syncrate) throws Exception {
        pair = new EnginePair(dir, "memsync", false, "syncrate " + syncrate);
        pair.beta.role(Role.SECONDARY);
        pair.alpha.role(Role.PRIMARY);
        EnginePair.await("a synchronisation under way", () -> {
            ResourceInfo i = pair.alpha.info();
            return i.sync() != null && i.sync().done() > 0;
        });
    }

    @Test
    void aPausedSyncMakesNoProgressAndCompletesAfterResume() throws Exception {
        startSync("4M");
        String paused = pair.alpha.pauseSync();
        assertTrue(paused.contains("Synchronization paused at"), paused);

        // A flush of both nodes turns the extents copied before the pause clean (once the
        // secondary's answer is in, which memsync does not wait for): from then on only the
        // synchronisation could change what is dirty.
        EnginePair.done(pair.alpha.flush());
        EnginePair.await("the extents copied before the pause clean", () -> {
            ResourceInfo i = pair.alpha.info();
            return i.dirty() + i.sync().done() == i.sync().total();
        });
        ResourceInfo before = pair.alpha.info();
        assertTrue(before.syncrate().paused());
        assertEquals("degraded", before.status(), "a paused synchronisation keeps the resource degraded");
        assertEquals(PrimaryRole.SYNC_PAUSED, before.problem(), "and says why");
        assertTrue(before.dirty() > 0);
        // Clients go on while paused (here to extents still to copy, at the end of the disk); each
        // write and flush is a round trip to the secondary over the link the synchronisation uses,
        // so that a copy still going would show by the end.
        byte[] block = new byte[4096];
        for (int i = 0; i < 8; i++) {
            EnginePair.done(pair.alpha.write(EnginePair.SIZE - (i % 4 + 1) * MIB + i * 4096, block, false));
            EnginePair.done(pair.alpha.flush());
        }
        ResourceInfo after = pair.alpha.info();
        assertEquals(before.sync().done(), after.sync().done(), "no chunk copied while paused");
        assertEquals(before.dirty(), after.dirty(), "no extent cleaned while paused");

        assertTrue(pair.alpha.resumeSync().contains("resumed"));
        pair.awaitClean(pair.alpha, pair.beta);
        assertTrue(!pair.alpha.info().syncrate().paused());
        assertEquals(1, syncStarts(), "the same pass went on");
    }

    @Test
    void aReloadChangesTheRateOfARunningSync() throws Exception {
        startSync("1M");
        assertEquals(MIB, pair.alpha.info().syncrate().limit());
        assertEquals("1M", pair.alpha.info().syncrate().mode());

        Files.writeString(pair.conf, Files.readString(pair.conf).replace("syncrate 1M", "syncrate 64M"));
        pair.alpha.reload();
        ResourceInfo i = pair.alpha.info();
        assertNotNull(i.sync(), "still synchronising: 16 MiB at 1 MiB/s take longer than this");
        assertEquals(64 * MIB, i.syncrate().limit());
        assertEquals("64M", i.syncrate().mode());
        pair.awaitClean(pair.alpha, pair.beta);
        assertEquals(1, syncStarts(), "the running pass took the new rate; it was not restarted");
    }

    @Test
    void pauseAndResumeSayWhyTheyCannotApply() throws Exception {
        startSync("unlimited");
        HastException onSecondary = assertThrows(HastException.class, () -> pair.beta.pauseSync());
        assertEquals(Sysexits.EX_UNAVAILABLE, onSecondary.status());
        assertTrue(onSecondary.getMessage().contains("The resource is secondary here"), onSecondary.getMessage());
        pair.awaitClean(pair.alpha, pair.beta);
        assertEquals(0, pair.alpha.info().syncrate().limit(), "unlimited");
        HastException idle = assertThrows(HastException.class, () -> pair.alpha.pauseSync());
        assertEquals(Sysexits.EX_UNAVAILABLE, idle.status());
        assertTrue(idle.getMessage().contains("No synchronization is running"), idle.getMessage());
        HastException notPaused = assertThrows(HastException.class, () -> pair.alpha.resumeSync());
        assertTrue(notPaused.getMessage().contains("No synchronization is paused"), notPaused.getMessage());
    }

    @Test
    void aDynamicPassOnAnIdleDeviceIsNotHeldBack() throws Exception {
        startSync("dynamic");
        assertEquals(0, pair.alpha.info().syncrate().limit(), "no application writes: no limit");
        pair.awaitClean(pair.alpha, pair.beta);
    }

    @Test
    void aDynamicPassStartsFromTheFloorWhileApplicationsWrite() {
        long[] now = {0};
        SyncRateConfig dynamic = SyncRateConfig.of("dynamic", Duration.ofMillis(5), 10 * MIB, 0);
        SyncPace pace = new SyncPace("r", () -> dynamic, () -> now[0]);
        pace.passStarted();
        assertEquals(0, pace.state().limit(), "nothing written yet: no limit");
        pace.written(TimeUnit.MILLISECONDS.toNanos(1));
        now[0] += SyncRateController.STEP_NANOS / 2;
        pace.passStarted();
        assertEquals(10 * MIB, pace.state().limit(), "a write ended half a step ago: sync-min-rate");
        now[0] += SyncRateController.STEP_NANOS;
        pace.passStarted();
        assertEquals(0, pace.state().limit(), "none for a step: no limit again");
    }

    private long syncStarts() {
        return pair.alpha.events.stream().filter(e -> e.type().equals(HastEvent.SYNCSTART)).count();
    }
}
