package hast.engine.resource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import hast.engine.replication.ProtocolRange;
import hast.api.Role;
import hast.api.event.HastEvent;
import hast.api.transport.Connection;
import hast.engine.codec.CodecSet;
import hast.engine.local.FaultyDisk;
import hast.engine.metadata.ProviderLayout;
import hast.engine.replication.Frame;
import hast.engine.replication.FrameWriter;
import hast.engine.replication.Greeting;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secondary's connections from its primary, one at a time: a new connection (the primary
 * reconnecting) or a role change must not leave an older session carrying out requests behind
 * its back, and two handshakes must not interleave.
 */
class SecondarySessionTest {
    private static final int EXTENT = EnginePair.EXTENT;
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;
    @AutoClose
    private EnginePair pair;
    private final Random random = new Random(11);
    private final List<Connection> raw = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Connection c : raw) {
            c.close();
        }
    }

    private void start(String mode) throws Exception {
        pair = new EnginePair(dir, mode, false);
        pair.startInSync();
    }

    private byte[] block() {
        byte[] b = new byte[BLOCK];
        random.nextBytes(b);
        return b;
    }


    private static int count(EnginePair.Engine e, String type) {
        return (int) e.events.stream().filter(ev -> ev.type().equals(type)).count();
    }

    /**
     * The secondary's disk holds one write past the timeout: the primary gives up on the
     * connection and comes back, and the block is written again. The held write, from the session
     * the primary abandoned, must not land over the newer one.
     */
    @Test
    void aWriteOfAnAbandonedSessionNeverLandsOverANewerOne() throws Exception {
        start("fullsync");
        long at = 3L * EXTENT + 8 * BLOCK;
        FaultyDisk.Trap held = pair.beta.disk().trap(FaultyDisk.Op.WRITE, pair.beta.localoff() + at, BLOCK);
        int connects = count(pair.alpha, HastEvent.CONNECT);
        byte[] old = block();
        CompletableFuture<Void> first = pair.alpha.write(at, old, false);
        EnginePair.await("beta's disk to hold the first write", held::caught);
        // fullsync: answered once alpha gave up on beta (the timeout), with the extent left dirty.
        EnginePair.done(first);
        EnginePair.await("alpha to connect to beta again or be turned away",
                () -> count(pair.alpha, HastEvent.CONNECT) > connects || pair.alpha.info().problem() != null);
        byte[] newer = block();
        EnginePair.done(pair.alpha.write(at, newer, false));
        EnginePair.await("alpha to be clean again, or to be kept waiting by beta", () -> {
            var p = pair.alpha.info();
            return p.problem() != null || "complete".equals(p.status()) && p.dirty() == 0 && p.sync() == null;
        });
        held.release();
        EnginePair.await("the held write to reach beta's disk", held::finished);
        pair.awaitClean(pair.alpha, pair.beta);
        assertArrayEquals(newer, Arrays.copyOfRange(pair.alpha.data(), (int) at, (int) at + BLOCK));
        byte[] kept = Arrays.copyOfRange(pair.beta.data(), (int) at, (int) at + BLOCK);
        assertFalse(Arrays.equals(old, kept),
                "beta holds the write of the session alpha abandoned, landed over the newer one, while the pair reports clean");
        assertArrayEquals(newer, kept, "beta holds the newest data");
    }

    /**
     * memsync answers the client once the secondary holds the data in memory: when the primary
     * dies there and the secondary is promoted, those writes must be on it although its disk was
     * still busy with them when the role changed.
     */
    @Test
    void aPromotedSecondaryKeepsTheWritesItAcknowledgedAsReceived() throws Exception {
        start("memsync");
        long at = 6L * EXTENT;
        FaultyDisk disk = pair.beta.disk();
        disk.freeze();
        byte[] data = block();
        EnginePair.done(pair.alpha.write(at, data, false));
        pair.alpha.powerCut();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread promotion = new Thread(() -> {
            try {
                pair.beta.role(Role.PRIMARY);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "promote beta");
        promotion.start();
        EnginePair.await("the promotion to wait for beta's session, or to close the disk under it",
                () -> disk.closed() || promotion.getState() == Thread.State.TIMED_WAITING
                        || promotion.getState() == Thread.State.WAITING);
        disk.thaw();
        promotion.join(EnginePair.DEADLINE.toMillis());
        assertFalse(promotion.isAlive(), "the promotion finished");
        if (failure.get() != null) {
            throw new AssertionError("promotion failed", failure.get());
        }
        assertArrayEquals(data, pair.beta.read(at, BLOCK),
                "beta, now primary, holds the write it acknowledged as received before its promotion");
    }

    /**
     * Two connections say HELLO to a secondary that was never paired, the first one's metadata
     * write held up by the disk: the second must not be welcomed meanwhile, or the secondary
     * could welcome one primary and keep the other's resuid.
     */
    @Test
    void twoHandshakesAtAFreshSecondaryDoNotInterleave() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.beta.role(Role.SECONDARY);
        var md = pair.beta.metadataOnDisk();
        assertEquals(0, md.resuid(), "beta was never paired");
        FaultyDisk.Trap metadata = pair.beta.disk().trap(FaultyDisk.Op.WRITE, 0, ProviderLayout.METADATA_SIZE);
        Connection first = hello(111, md);
        EnginePair.await("beta to write its metadata for the first HELLO", metadata::caught);
        Connection second = hello(222, md);
        Frame secondAnswer = answer(second);
        metadata.release();
        EnginePair.await("the first HELLO's metadata write", metadata::finished);
        Frame firstAnswer = answer(first);
        long kept = pair.beta.metadataOnDisk().resuid();
        for (Frame f : new Frame[] {firstAnswer, secondAnswer}) {
            if (f != null && f.type() == Frame.Type.WELCOME) {
                long welcomed = Greeting.Welcome.decode(f.payload()).resuid();
                assertEquals(kept, welcomed, "beta welcomed a primary as resuid " + welcomed + " but keeps " + kept);
            }
        }
        assertTrue(firstAnswer != null && firstAnswer.type() == Frame.Type.WELCOME
                || secondAnswer != null && secondAnswer.type() == Frame.Type.WELCOME, "one of them was welcomed");
    }

    /**
     * A primary that stops reading the secondary's answers (or a path that stopped carrying them)
     * blocks the session in a socket write, where no read timeout applies: the secondary must
     * still give up on it within a few timeouts rather than claim the pair complete forever.
     */
    @Test
    void aSecondaryGivesUpOnAPrimaryThatStopsReadingItsAnswers() throws Exception {
        pair = new EnginePair(dir, "fullsync", false);
        pair.beta.role(Role.SECONDARY);
        var md = pair.beta.metadataOnDisk();
        // Straight to beta's listener: a relay in between would buffer the answers.
        Connection primary = hello(pair.toBeta.target(), 111, md);
        assertEquals(Frame.Type.WELCOME, answer(primary).type());
        // Connected, not complete: a fresh copy is inconsistent until a synchronisation this primary never sends.
        EnginePair.await("beta to count the primary connected", () -> pair.beta.info().connected());
        int disconnects = count(pair.beta, HastEvent.DISCONNECT);
        // Far more answers than the socket buffers hold, and none of them read.
        for (int i = 0; i < 64; i++) {
            Frame.request(Frame.Type.READ, 0, i + 1, 0, PrimaryDevice.MAX_REQUEST, null).write(primary, ProtocolRange.SPOKEN.max());
        }
        EnginePair.await("beta to give up on the primary that reads nothing", Duration.ofSeconds(5),
                () -> count(pair.beta, HastEvent.DISCONNECT) > disconnects);
        EnginePair.await("beta disconnected", () -> !pair.beta.info().connected());
    }

    /** A HELLO the secondary refuses (another pairing's resuid) must not cost the primary it serves its connection. */
    @Test
    void aRefusedHelloLeavesTheServingSessionAlone() throws Exception {
        start("fullsync");
        int disconnects = count(pair.alpha, HastEvent.DISCONNECT);
        var md = pair.beta.metadataOnDisk();
        Frame refusal = answer(hello(md.resuid() + 1, md));
        assertEquals(Frame.Type.REFUSE, refusal.type());
        assertEquals("complete", pair.beta.info().status(), "beta still serves alpha");
        EnginePair.done(pair.alpha.write(0, block(), false));
        assertEquals(disconnects, count(pair.alpha, HastEvent.DISCONNECT), "alpha kept its connection");
    }

    /**
     * The secondary carries out requests that touch different bytes at once, and only those:
     * beta's disk holds the first of two writes to one block (one with FUA, which goes to a disk
     * thread), with a trim of that block between them, a read of it and a flush after them. A
     * write to another block is answered meanwhile; the trim and the second write land after the
     * held write, in their order; the read answers with the second write's data; and the flush is
     * answered after every request before it, with all of them durable (beta's disk has a volatile
     * cache that only a flush empties).
     */
    @Test
    void requestsCarriedOutAtOnceKeepTheOrderOfTheirBytesAndFlushesCoverWhatCameBefore() throws Exception {
        pair = new EnginePair(dir, "fullsync", true);
        pair.beta.role(Role.SECONDARY);
        var md = pair.beta.metadataOnDisk();
        Connection primary = hello(pair.toBeta.target(), 111, md);
        assertEquals(Frame.Type.WELCOME, answer(primary).type());
        long at = 2L * EXTENT + 4 * BLOCK;
        long elsewhere = 5L * EXTENT;
        FaultyDisk.Trap held = pair.beta.disk().trap(FaultyDisk.Op.WRITE, pair.beta.localoff() + at, BLOCK);
        // With FUA, which the session's reader hands to a disk thread: a plain small write it
        // carries out itself, and a held one would hold up the reading (see the next test).
        byte[] older = block();
        byte[] newer = block();
        byte[] other = block();
        // In one write, as a primary's queue arrives: a request arriving alone at an idle secondary
        // is carried out by the session's reader itself, and a held one holds up the reading.
        FrameWriter queue = new FrameWriter(primary, ProtocolRange.SPOKEN.max());
        queue.append(Frame.request(Frame.Type.WRITE, Frame.FLAG_FUA, 1, at, BLOCK, ByteBuffer.wrap(older)));
        queue.append(Frame.request(Frame.Type.WRITE, 0, 2, elsewhere, BLOCK, ByteBuffer.wrap(other)));
        queue.append(Frame.request(Frame.Type.DELETE, 0, 3, at, BLOCK, null));
        queue.append(Frame.request(Frame.Type.WRITE, 0, 4, at, BLOCK, ByteBuffer.wrap(newer)));
        queue.append(Frame.request(Frame.Type.READ, 0, 5, at, BLOCK, null));
        queue.append(Frame.request(Frame.Type.FLUSH, 0, 6, 0, 0, null));
        queue.flush();
        EnginePair.await("beta's disk to hold the first write", held::caught);
        Frame first = answer(primary);
        assertEquals(2, first.seq(), "the write elsewhere is answered while the first write is held");
        assertEquals(0, first.error());
        held.release();
        List<Long> order = new ArrayList<>();
        byte[] read = null;
        for (int i = 0; i < 5; i++) {
            Frame f = answer(primary);
            assertEquals(0, f.error(), "request " + f.seq() + " failed");
            order.add(f.seq());
            if (f.seq() == 5) {
                read = new byte[BLOCK];
                f.payload().get(read);
            }
        }
        assertEquals(6L, order.get(order.size() - 1), "the flush is answered last: " + order);
        assertArrayEquals(newer, read, "the read saw the writes before it");
        byte[] durable = pair.beta.durableData();
        assertArrayEquals(newer, Arrays.copyOfRange(durable, (int) at, (int) at + BLOCK),
                "the second write landed last, and the flush made it durable");
        assertArrayEquals(other, Arrays.copyOfRange(durable, (int) elsewhere, (int) elsewhere + BLOCK),
                "the flush made the write elsewhere durable");
    }

    /**
     * Small writes of one burst are carried out by the session's reader in turn, not handed to
     * disk threads: one that beta's disk holds holds up those after it (as on the primary, whose
     * reader writes them itself too), and none of them is lost or reordered: once the disk lets
     * it go, every write is answered in the order of the burst and the flush after them makes
     * them all durable.
     */
    @Test
    void smallWritesOfABurstAreCarriedOutInTurnByTheReader() throws Exception {
        Connection primary = welcomedBySecondary();
        long at = 2L * EXTENT;
        FaultyDisk.Trap held = pair.beta.disk().trap(FaultyDisk.Op.WRITE, pair.beta.localoff() + at, BLOCK);
        byte[][] data = new byte[4][];
        FrameWriter queue = new FrameWriter(primary, ProtocolRange.SPOKEN.max());
        for (int i = 0; i < data.length; i++) {
            data[i] = block();
            queue.append(Frame.request(Frame.Type.WRITE, 0, i + 1, at + i * EXTENT, BLOCK, ByteBuffer.wrap(data[i])));
        }
        queue.append(Frame.request(Frame.Type.FLUSH, 0, data.length + 1, 0, 0, null));
        queue.flush();
        EnginePair.await("beta's disk to hold the first write", held::caught);
        held.release();
        List<Long> order = new ArrayList<>();
        for (int i = 0; i <= data.length; i++) {
            Frame f = answer(primary);
            assertEquals(0, f.error(), "request " + f.seq() + " failed");
            order.add(f.seq());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), order, "no write was answered while the first was held");
        byte[] durable = pair.beta.durableData();
        for (int i = 0; i < data.length; i++) {
            long o = at + i * EXTENT;
            assertArrayEquals(data[i], Arrays.copyOfRange(durable, (int) o, (int) o + BLOCK), "write " + (i + 1));
        }
    }

    @Test
    void theAnswersOfTheWritesTheReaderCarriesOutLeaveTogetherAfterItsBurst() throws Exception {
        Connection primary = welcomedBySecondary();
        int n = 4;
        long at = 2L * EXTENT;
        long last = at + (n - 1) * (long) EXTENT;
        FaultyDisk.Trap held = pair.beta.disk().trap(FaultyDisk.Op.WRITE, pair.beta.localoff() + last, BLOCK);
        FrameWriter queue = new FrameWriter(primary, ProtocolRange.SPOKEN.max());
        for (int i = 0; i < n; i++) {
            queue.append(Frame.request(Frame.Type.WRITE, 0, i + 1, at + i * (long) EXTENT, BLOCK,
                    ByteBuffer.wrap(block())));
        }
        queue.flush();
        EnginePair.await("beta's disk to hold the burst's last write", held::caught);
        // A check that something does not happen, so bounded by time: the first three are done.
        primary.setReadTimeout(Duration.ofMillis(300));
        assertThrows(SocketTimeoutException.class, () -> Frame.read(primary, ProtocolRange.SPOKEN.max()),
                "no answer left before the burst's last write was done");
        held.release();
        List<Long> answered = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Frame f = answer(primary);
            assertEquals(0, f.error(), "request " + f.seq() + " failed");
            answered.add(f.seq());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), answered);
    }

    /** A fullsync pair with beta secondary (its disk keeps a volatile cache), and a raw primary it welcomed. */
    private Connection welcomedBySecondary() throws Exception {
        pair = new EnginePair(dir, "fullsync", true);
        pair.beta.role(Role.SECONDARY);
        Connection primary = hello(pair.toBeta.target(), 112, pair.beta.metadataOnDisk());
        assertEquals(Frame.Type.WELCOME, answer(primary).type());
        return primary;
    }

    /** A raw connection to beta (through the relay) that has said HELLO as a primary of resuid {@code resuid}. */
    private Connection hello(long resuid, hast.api.control.MetadataInfo md) throws IOException {
        return hello(pair.toBeta.port(), resuid, md);
    }

    private Connection hello(int port, long resuid, hast.api.control.MetadataInfo md) throws IOException {
        Connection c = RawPrimary.connect(port);
        raw.add(c);
        RawPrimary.authenticate(c, null);
        Greeting.Hello h = new Greeting.Hello(EnginePair.RESOURCE, resuid, 0, 0, md.datasize(), md.extentsize(),
                PrimaryDevice.MAX_REQUEST, CodecSet.PLAIN, true);
        Frame.request(Frame.Type.HELLO, 0, 0, 0, 0, h.encode()).write(c, ProtocolRange.SPOKEN.max());
        return c;
    }

    /** The answer to a HELLO, or {@code null} when the connection ended without one. */
    private static Frame answer(Connection c) throws IOException {
        c.setReadTimeout(EnginePair.DEADLINE);
        try {
            return Frame.read(c, ProtocolRange.SPOKEN.max());
        } catch (java.io.EOFException | java.net.SocketException e) {
            return null;
        }
    }
}
