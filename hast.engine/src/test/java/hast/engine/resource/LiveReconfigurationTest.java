package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import hast.api.device.HastDevice;
import hast.api.event.HastEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that moves a primary's remote and changes its timeout, as the reference applies
 * them: the device and its clients stay, the link reconnects to the new address.
 */
class LiveReconfigurationTest {
    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;
    private LinkRelay moved;

    @AfterEach
    void tearDown() throws Exception {
        if (moved != null) {
            moved.close();
        }
    }

    @Test
    void aNewRemoteAndTimeoutApplyToARunningPrimaryWithoutRestartingIt() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.startInSync();
        HastDevice device = pair.alpha.device();
        long roleEvents = roleEvents();

        // The way to beta changes (here: another relay), and so does the timeout.
        moved = new LinkRelay(pair.toBeta.target());
        String conf = Files.readString(pair.conf);
        Files.writeString(pair.conf, conf.replace("127.0.0.1:" + pair.toBeta.port() + " }",
                "127.0.0.1:" + moved.port() + " }").replace("timeout 1", "timeout 3"));
        Random random = new Random(3);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        byte[] data = new byte[4 * EnginePair.EXTENT];
        random.nextBytes(data);
        for (int i = 0; i < 4; i++) {
            byte[] part = java.util.Arrays.copyOfRange(data, i * EnginePair.EXTENT, (i + 1) * EnginePair.EXTENT);
            writes.add(pair.alpha.write((long) i * EnginePair.EXTENT, part, false));
            if (i == 1) {
                pair.alpha.reload();
            }
        }
        for (CompletableFuture<Void> w : writes) {
            EnginePair.done(w);
        }
        EnginePair.await("alpha connected through the new address", () -> !moved.accepted().isEmpty()
                && EnginePair.clean(pair.alpha, pair.beta));
        assertSame(device, pair.alpha.device(), "the same device: the primary was not restarted");
        assertEquals(roleEvents, roleEvents(), "no role change");
        assertArrayEquals(pair.alpha.data(), pair.beta.data(), "both copies equal once clean");
        assertArrayEquals(data, pair.alpha.read(0, data.length));
    }

    private long roleEvents() {
        return pair.alpha.events.stream().filter(e -> e.type().equals(HastEvent.ROLE)).count();
    }
}
