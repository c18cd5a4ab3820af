package hast.engine.resource;

import static hast.engine.resource.EnginePair.EXTENT;
import static hast.engine.resource.EnginePair.RESOURCE;
import static hast.engine.resource.EnginePair.await;
import static hast.engine.resource.EnginePair.done;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import hast.api.Role;
import hast.api.control.ResourceInfo;
import hast.engine.replication.ProtocolRange;
import hast.testkit.LogCapture;

/**
 * A rolling upgrade: a node of this build paired with one that speaks only protocol version 3 as
 * hastd did before versions were negotiated ({@link FrozenV3}, its own frozen encoder), in both
 * roles, with real writes checked on the other side; a build that also speaks a newer version
 * falls back to 3 with such a node, and two such builds use the newer one; and nodes with no
 * version in common refuse each other, saying so on both sides (log and status).
 */
class RollingUpgradeTest {

    @TempDir
    Path dir;

    /** The engine's log lines at warning and above, as both nodes of a pair write them. */
    @RegisterExtension
    final LogCapture warnings = LogCapture.of("hast.engine", Level.WARNING);

    /** Secondary upgraded first: the old primary goes on replicating to it. */
    @ParameterizedTest(name = "secondary speaking 3-{0}")
    @ValueSource(ints = {3, 4})
    void aVersion3PrimaryReplicatesToANewSecondary(int newest) throws Exception {
        try (EnginePair pair = new EnginePair(dir, "fullsync", false)) {
            pair.alpha.stop();
            pair.beta.speak(new ProtocolRange(3, newest));
            pair.beta.role(Role.SECONDARY);
            try (FrozenV3.Primary old = new FrozenV3.Primary(pair.beta.listenPort(), RESOURCE, pair.beta.datasize(),
                    EXTENT)) {
                await("the old primary connected", () -> pair.beta.info().connected());
                assertEquals("3", pair.beta.info().protocol());
                byte[][] writes = {data(1, 4096), data(2, 3 * EXTENT / 4), data(3, 512)};
                long[] offsets = {0, EXTENT - 4096, 7L * EXTENT + 512};
                for (int i = 0; i < writes.length; i++) {
                    assertEquals(0, old.write(offsets[i], writes[i]), "error of write " + i);
                }
                assertEquals(0, old.flush());
                byte[] disk = pair.beta.data();
                for (int i = 0; i < writes.length; i++) {
                    int from = (int) offsets[i];
                    assertArrayEquals(writes[i], Arrays.copyOfRange(disk, from, from + writes[i].length),
                            "write " + i + " on the new secondary's disk");
                }
            }
        }
    }

    /** Primary upgraded first (or switched to the upgraded node): it falls back to version 3. */
    @ParameterizedTest(name = "primary speaking 3-{0}")
    @ValueSource(ints = {3, 4})
    void aNewPrimaryReplicatesToAVersion3Secondary(int newest) throws Exception {
        try (EnginePair pair = new EnginePair(dir, "fullsync", false)) {
            pair.beta.stop();
            pair.alpha.speak(new ProtocolRange(3, newest));
            try (FrozenV3.Secondary old = new FrozenV3.Secondary(pair.beta.listenPort(), pair.alpha.datasize(),
                    EXTENT)) {
                pair.alpha.role(Role.PRIMARY);
                await("connected to the old secondary", () -> pair.alpha.info().connected());
                assertEquals("3", pair.alpha.info().protocol());
                done(pair.alpha.write(0, data(1, 4096), false));
                done(pair.alpha.write(EXTENT - 4096, data(2, 3 * EXTENT / 4), true));
                done(pair.alpha.write(7L * EXTENT + 512, data(3, 512), false));
                done(pair.alpha.flush());
                await("the primary clean", () -> clean(pair.alpha.info()));
                assertArrayEquals(pair.alpha.data(), old.disk, "the old secondary's copy");
            }
        }
    }

    @Test
    void twoNewNodesSpeakTheHighestVersionBothSpeak() throws Exception {
        try (EnginePair pair = new EnginePair(dir, "memsync", false)) {
            pair.alpha.speak(new ProtocolRange(3, 4));
            pair.beta.speak(new ProtocolRange(3, 5));
            pair.startInSync();
            assertEquals("4", pair.alpha.info().protocol());
            assertEquals("4", pair.beta.info().protocol());
            done(pair.alpha.write(3L * EXTENT, data(4, EXTENT), false));
            done(pair.alpha.flush());
            pair.awaitClean(pair.alpha, pair.beta);
            assertArrayEquals(pair.alpha.data(), pair.beta.data());
        }
    }

    @Test
    void nodesWithNoVersionInCommonRefuseEachOtherOnBothSides() throws Exception {
        try (EnginePair pair = new EnginePair(dir, "fullsync", false)) {
            // A future primary that no longer speaks version 3, and this build as the secondary.
            pair.alpha.speak(new ProtocolRange(4, 4));
            pair.beta.role(Role.SECONDARY);
            pair.alpha.role(Role.PRIMARY);
            String primarySide = "no common protocol version: this node speaks 4, the secondary 3";
            String secondarySide = "no common protocol version: the primary speaks 4, this node 3";
            await("the primary's refusal", () -> primarySide.equals(pair.alpha.info().protocol()));
            await("the secondary's refusal", () -> secondarySide.equals(pair.beta.info().protocol()));
            assertFalse(pair.alpha.info().connected());
            assertFalse(pair.beta.info().connected());
            assertEquals("degraded", pair.alpha.info().status());
            assertEquals(primarySide, pair.alpha.info().problem());
            await("both sides logged", () -> logged("[r0] Not connected: " + primarySide
                    + "; upgrade the node with the older versions (the secondary said: No common protocol version:"
                    + " the secondary speaks 3, the primary 4; upgrade the node with the older versions.)")
                    && logged("refused: " + secondarySide + "; upgrade the node with the older versions."));
            // The primary tries again (after 2 s, then 4 s): each side logs the episode once, not each attempt.
            await("a second attempt", () -> pair.toBeta.accepted().size() >= 3);
            assertEquals(1, warnings.messages().stream().filter(w -> w.contains(primarySide)).count(), warnings::toString);
            assertEquals(1, warnings.messages().stream().filter(w -> w.contains(secondarySide)).count(), warnings::toString);
        }
    }

    @Test
    void aVersion3SecondaryRefusesAPrimaryThatNoLongerSpeaksIt() throws Exception {
        try (EnginePair pair = new EnginePair(dir, "fullsync", false)) {
            pair.beta.stop();
            pair.alpha.speak(new ProtocolRange(4, 4));
            try (FrozenV3.Secondary old = new FrozenV3.Secondary(pair.beta.listenPort(), pair.alpha.datasize(),
                    EXTENT)) {
                pair.alpha.role(Role.PRIMARY);
                await("the primary's refusal", () -> "no common protocol version: this node speaks 4, the secondary 3"
                        .equals(pair.alpha.info().protocol()));
                assertEquals(0, old.primaries());
                assertTrue(old.log.stream().anyMatch(l -> l.startsWith("Dropped connection from ")
                        && l.contains(": protocol version 4 from ") && l.endsWith("(we speak 3)")), old.log::toString);
                await("the primary logged the old node's refusal", () -> warnings.messages().stream().anyMatch(w -> w.startsWith(
                        "[r0] Not connected: no common protocol version: this node speaks 4, the secondary 3;")
                        && w.contains("the secondary said: This node speaks protocol version 3 (protocol version 4")));
            }
        }
    }

    @Test
    void aVersion3PrimaryIsRefusedByASecondaryThatNoLongerSpeaksIt() throws Exception {
        try (EnginePair pair = new EnginePair(dir, "fullsync", false)) {
            pair.alpha.stop();
            pair.beta.speak(new ProtocolRange(4, 4));
            pair.beta.role(Role.SECONDARY);
            FrozenV3.Refused refused = assertThrows(FrozenV3.Refused.class, () -> new FrozenV3.Primary(
                    pair.beta.listenPort(), RESOURCE, pair.beta.datasize(), EXTENT).close());
            assertEquals("No common protocol version: the secondary speaks 4, the primary 3; upgrade the node with"
                    + " the older versions.", refused.getMessage());
            assertEquals("no common protocol version: the primary speaks 3, this node 4", pair.beta.info().protocol());
            assertTrue(logged("refused: no common protocol version: the primary speaks 3, this node 4;"), warnings::toString);
        }
    }

    private boolean logged(String part) {
        return warnings.messages().stream().anyMatch(w -> w.contains(part));
    }

    private static boolean clean(ResourceInfo p) {
        return p.connected() && "complete".equals(p.status()) && p.dirty() == 0 && p.sync() == null;
    }

    private static byte[] data(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }
}
