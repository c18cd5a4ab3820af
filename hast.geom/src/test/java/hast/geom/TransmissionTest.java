package hast.geom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Requests and replies: data, flags passed to the device, pipelining, and device failures. */
@Timeout(60)
class TransmissionTest {
    private final MemoryDevice device = new MemoryDevice();
    private ExportFixture fixture;

    @BeforeEach
    void export() throws Exception {
        fixture = new ExportFixture().withTransport().export(device, "mem");
    }

    @AfterEach
    void close() {
        device.releaseCaller();
        device.releaseAll();
        fixture.close();
    }

    @Test
    void aWriteThatHoldsItsReaderInTheDeviceDoesNotHoldTheClientsLaterRequests() throws Exception {
        byte[] first = pattern(4096, 1);
        byte[] second = pattern(4096, 2);
        device.holdNextCaller();
        try (NbdClient c = fixture.client().go("mem")) {
            c.write(0, 1, 0, first);
            device.awaitCallerHeld();
            // The same connection goes on: a write and a read, answered while the first call is held.
            CompletableFuture<byte[]> later = CompletableFuture.supplyAsync(() -> {
                try {
                    c.write(0, 2, 8192, second);
                    assertEquals(0, c.errorFor(2));
                    return c.read(3, 8192, second.length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertArrayEquals(second, later.get(ReadingRelay.PATIENCE.toMillis() + 5000, TimeUnit.MILLISECONDS),
                    "the later requests were answered");
            device.releaseCaller();
            assertEquals(0, c.errorFor(1), "the held write is answered once its call returns");
            assertArrayEquals(first, c.read(4, 0, first.length));
            c.write(0, 5, 0, second);
            assertEquals(0, c.errorFor(5), "one reader goes on, the held one has left");
        }
        // The held write is recorded when its call goes on.
        assertEquals(List.of("write 8192 4096", "read 8192 4096", "write 0 4096", "read 0 4096", "write 0 4096"),
                device.calls());
    }

    @Test
    void writesReadBackAndFuaReachesTheDevice() throws Exception {
        byte[] block = pattern(8192, 7);
        try (NbdClient c = fixture.client().go("mem")) {
            c.write(0, 1, 4096, block);
            assertEquals(0, c.errorFor(1));
            c.write(Nbd.CMD_FLAG_FUA, 2, 65536, new byte[] {9});
            assertEquals(0, c.errorFor(2));
            assertArrayEquals(block, c.read(3, 4096, block.length));
            assertArrayEquals(Arrays.copyOfRange(device.data, 4096, 4096 + 8192), block);
        }
        assertEquals(List.of("write 4096 8192", "write 65536 1 fua", "read 4096 8192"), device.calls());
    }

    @Test
    void flushTrimAndWriteZeroesReachTheDeviceWithTheirFlags() throws Exception {
        Arrays.fill(device.data, (byte) 0x55);
        try (NbdClient c = fixture.client().go("mem")) {
            c.request(Nbd.CMD_FLUSH, 0, 1, 0, 0);
            assertEquals(0, c.errorFor(1));
            c.request(Nbd.CMD_TRIM, 0, 2, 0, 4096);
            assertEquals(0, c.errorFor(2));
            c.request(Nbd.CMD_TRIM, Nbd.CMD_FLAG_FUA, 3, 4096, 4096);
            assertEquals(0, c.errorFor(3));
            c.request(Nbd.CMD_WRITE_ZEROES, 0, 4, 8192, 512);
            assertEquals(0, c.errorFor(4));
            c.request(Nbd.CMD_WRITE_ZEROES, Nbd.CMD_FLAG_NO_HOLE | Nbd.CMD_FLAG_FUA, 5, 16384, 512);
            assertEquals(0, c.errorFor(5));
            c.request(Nbd.CMD_FLUSH, Nbd.CMD_FLAG_FUA, 6, 0, 0);
            assertEquals(0, c.errorFor(6), "FUA is accepted on every command");
            assertArrayEquals(new byte[8192 + 512], c.read(7, 0, 8192 + 512));
        }
        assertEquals(List.of("flush", "trim 0 4096", "trim 4096 4096", "flush", "zeroes 8192 512 may-trim",
                "zeroes 16384 512 fua", "flush", "read 0 8704"), device.calls(),
                "a trim with FUA is followed by a flush; NO_HOLE forbids trimming");
        assertEquals(0x55, device.data[8192 + 512], "nothing beyond the zeroed range changed");
    }

    @Test
    void aBufferTheDeviceAbandonedIsNeverHandedToAnotherRequest() throws Exception {
        byte[] block = pattern(PayloadBuffers.DIRECT_MIN, 3);
        try (NbdClient c = fixture.client().go("mem")) {
            // A plain failure hands the buffer back: the next request of its size gets it again.
            device.failWith(new IOException("simulated disk error"));
            c.write(0, 1, 0, block);
            assertEquals(Nbd.EIO, c.errorFor(1));
            device.failWith(new hast.api.device.AbandonedRequestException("the disk stopped answering"));
            c.write(0, 2, 0, block);
            assertEquals(Nbd.EIO, c.errorFor(2));
            device.failWith(null);
            c.write(0, 3, 0, block);
            assertEquals(0, c.errorFor(3));
        }
        List<java.nio.ByteBuffer> used = device.writeBuffers();
        assertTrue(used.get(0) == used.get(1), "the pool reuses a buffer handed back");
        assertTrue(used.get(1) != used.get(2), "the abandoned buffer, which the device may still fill, was reused");
    }

    @Test
    void repliesLeaveAsRequestsCompleteInAnyOrder() throws Exception {
        int n = 32;
        device.hold();
        try (NbdClient c = fixture.client().go("mem")) {
            for (int i = 0; i < n; i++) {
                device.data[i * 512] = (byte) i;
                c.request(Nbd.CMD_READ, 0, 100 + i, i * 512L, 512);
            }
            List<MemoryDevice.Pending> held = device.awaitPending(n);
            assertEquals(n, held.size(), "all requests reached the device before any completed");
            for (int i = n - 1; i >= 0; i--) {
                device.release(held.get(i));
                NbdClient.Reply r = c.reply();
                assertEquals(0, r.error());
                assertEquals(100 + i, r.handle(), "the reply of the request just completed");
                assertEquals((byte) i, c.data(512)[0], "the data of that request");
            }
        }
    }

    @Test
    void requestsInFlightAreBoundedAndAllAnswered() throws Exception {
        int n = Transmission.MAX_REQUESTS * 3;
        device.hold();
        try (NbdClient c = fixture.client().go("mem")) {
            for (int i = 0; i < n; i++) {
                c.request(Nbd.CMD_READ, 0, i, 0, 4096);
            }
            device.awaitPending(Transmission.MAX_REQUESTS);
            assertFalse(device.morePendingThan(Transmission.MAX_REQUESTS, Duration.ofMillis(300)),
                    "the reader stops at the bound until something completes");
            device.releaseAll();
            Set<Long> answered = new HashSet<>();
            for (int i = 0; i < n; i++) {
                NbdClient.Reply r = c.reply();
                assertEquals(0, r.error());
                c.data(4096);
                assertTrue(answered.add(r.handle()), "one reply per request");
            }
            assertEquals(n, answered.size());
        }
        assertTrue(device.mostOutstanding() <= Transmission.MAX_REQUESTS,
                "at most " + Transmission.MAX_REQUESTS + " requests at once, saw " + device.mostOutstanding());
    }

    @Test
    void dataInFlightIsBounded() throws Exception {
        int big = 24 << 20;
        MemoryDevice large = new MemoryDevice(32 << 20, 32 << 20);
        fixture.export(large, "large");
        large.hold();
        try (NbdClient c = fixture.client().go("large")) {
            for (int i = 0; i < 3; i++) {
                c.request(Nbd.CMD_READ, 0, i, 0, big);
            }
            large.awaitPending(2);
            assertFalse(large.morePendingThan(2, Duration.ofMillis(300)),
                    "a third read of 24 MiB would hold more than " + (Transmission.MAX_PAYLOAD >> 20) + " MiB");
            large.releaseAll();
            for (int i = 0; i < 3; i++) {
                assertEquals(0, c.reply().error());
                c.data(big);
            }
        } finally {
            large.releaseAll();
        }
    }

    @Test
    void pastTheDirectBufferBoundLargeWritesWaitForAPooledBufferInsteadOfTakingTheHeap() throws Exception {
        int mib = 1 << 20;
        int inPool = (int) (PayloadBuffers.CAPACITY / mib);
        int n = inPool + 4;
        MemoryDevice large = new MemoryDevice(32 << 20, mib);
        fixture.export(large, "large");
        large.hold();
        try (NbdClient c = fixture.client().go("large")) {
            // Written from another thread: the export stops reading once the pool is in use.
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        c.write(0, i, (long) i * mib, pattern(mib, i));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            large.awaitPending(inPool);
            assertFalse(large.morePendingThan(inPool, Duration.ofMillis(300)),
                    "every pooled buffer is in use: the next write waits for one rather than take the heap");
            large.releaseAll();
            writing.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                assertEquals(0, c.reply().error());
            }
            for (int i = 0; i < n; i++) {
                assertArrayEquals(pattern(mib, i), c.read(100 + i, (long) i * mib, mib));
            }
        } finally {
            large.releaseAll();
        }
        assertTrue(large.writeBuffers().stream().allMatch(java.nio.ByteBuffer::isDirect),
                "every write came in a pooled direct buffer");
    }

    @Test
    void deviceFailuresBecomeErrorRepliesAndTheConnectionGoesOn() throws Exception {
        try (NbdClient c = fixture.client().go("mem")) {
            device.failWith(new IOException("simulated disk error"));
            c.request(Nbd.CMD_READ, 0, 1, 0, 512);
            assertEquals(Nbd.EIO, c.errorFor(1), "a failed read has no payload");
            c.write(0, 2, 0, new byte[512]);
            assertEquals(Nbd.EIO, c.errorFor(2));
            device.failWith(new IllegalArgumentException("outside the device"));
            c.request(Nbd.CMD_FLUSH, 0, 3, 0, 0);
            assertEquals(Nbd.EINVAL, c.errorFor(3));
            device.failWith(null);
            device.throwOnCall(new IllegalStateException("device closed"));
            c.request(Nbd.CMD_TRIM, 0, 4, 0, 512);
            assertEquals(Nbd.EIO, c.errorFor(4), "an exception from the call itself is an I/O error too");
            device.throwOnCall(null);
            assertArrayEquals(new byte[512], c.read(5, 0, 512));
        }
    }

    @Test
    void disconnectAnswersRequestsInFlightFirst() throws Exception {
        device.hold();
        try (NbdClient c = fixture.client().go("mem")) {
            c.write(0, 1, 0, new byte[] {1, 2, 3});
            c.write(0, 2, 512, new byte[] {4, 5, 6});
            List<MemoryDevice.Pending> held = device.awaitPending(2);
            c.request(Nbd.CMD_DISC, 0, 3, 0, 0);
            device.release(held.get(1));
            assertEquals(2, c.reply().handle());
            device.release(held.get(0));
            assertEquals(1, c.reply().handle());
            c.assertClosedByServer();
        }
        assertEquals(4, device.data[512]);
    }

    @Test
    void severalConnectionsShareTheExport() throws Exception {
        List<NbdClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(fixture.client().go("mem"));
            }
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).write(0, i, i * 4096L, pattern(4096, i));
            }
            for (int i = 0; i < clients.size(); i++) {
                assertEquals(0, clients.get(i).errorFor(i));
            }
            for (int i = 0; i < clients.size(); i++) {
                assertArrayEquals(pattern(4096, i), clients.get((i + 1) % clients.size()).read(10, i * 4096L, 4096),
                        "written on one connection, read on another");
            }
        } finally {
            for (NbdClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void aBurstOfSmallWritesReachesAPluggingDeviceUnderOnePlug() throws Exception {
        device.plugHolds();
        int n = 8;
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            burst.write(NbdClient.requestBytes(Nbd.CMD_WRITE, i, i * 4096L, 4096, pattern(4096, i)));
        }
        try (NbdClient c = fixture.client().go("mem")) {
            c.send(burst.toByteArray());
            // Held back until an unplug: the reader must unplug once the burst is read.
            Set<Long> answered = new HashSet<>();
            for (int i = 0; i < n; i++) {
                NbdClient.Reply r = c.reply();
                assertEquals(0, r.error());
                answered.add(r.handle());
            }
            assertEquals(n, answered.size());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(pattern(4096, i), c.read(100 + i, i * 4096L, 4096));
            }
        }
        assertTrue(device.unplugs().stream().anyMatch(released -> released > 1),
                "the writes of one burst were let go together, not one by one: " + device.unplugs());
    }

    @Test
    void aReaderThatTakesOverUnplugsWhatTheHeldReaderHeldBack() throws Exception {
        device.plugHolds();
        device.holdNextCaller();
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        burst.write(NbdClient.requestBytes(Nbd.CMD_READ, 1, 0, 4096, new byte[0]));
        burst.write(NbdClient.requestBytes(Nbd.CMD_WRITE, 2, 8192, 4096, pattern(4096, 2)));
        burst.write(NbdClient.requestBytes(Nbd.CMD_READ, 3, 0, 4096, new byte[0]));
        try (NbdClient c = fixture.client().go("mem")) {
            c.send(burst.toByteArray());
            device.awaitCallerHeld();
            // The first read waits for an unplug, and the reader that plugged is held in the write's call.
            Set<Long> answered = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                NbdClient.Reply r = c.reply();
                assertEquals(0, r.error());
                c.data(4096);
                answered.add(r.handle());
            }
            assertEquals(Set.of(1L, 3L), answered, "the reader that took over let both reads go");
            device.releaseCaller();
            assertEquals(0, c.errorFor(2));
        }
    }

    @Test
    void aPluggedReaderUnplugsBeforeItWaitsForRequestsInFlight() throws Exception {
        device.plugHolds();
        int n = Transmission.MAX_REQUESTS * 3;
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            burst.write(NbdClient.requestBytes(Nbd.CMD_READ, i, 0, 512, new byte[0]));
        }
        try (NbdClient c = fixture.client().go("mem")) {
            // At the bound the reader waits for requests that complete only once it unplugs.
            c.send(burst.toByteArray());
            for (int i = 0; i < n; i++) {
                assertEquals(0, c.reply().error());
                c.data(512);
            }
        }
        assertTrue(device.mostOutstanding() <= Transmission.MAX_REQUESTS);
    }

    @Test
    void aPluggedReaderUnplugsBeforeItWaitsForTheRestOfAWrite() throws Exception {
        device.plugHolds();
        byte[] second = pattern(4096, 2);
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        burst.write(NbdClient.requestBytes(Nbd.CMD_WRITE, 1, 0, 4096, pattern(4096, 1)));
        burst.write(NbdClient.requestBytes(Nbd.CMD_WRITE, 2, 8192, 4096, Arrays.copyOf(second, 1024)));
        try (NbdClient c = fixture.client().go("mem")) {
            c.send(burst.toByteArray());
            assertEquals(0, c.errorFor(1), "the first write is answered while the second's data is still to come");
            c.send(Arrays.copyOfRange(second, 1024, 4096));
            assertEquals(0, c.errorFor(2));
            assertArrayEquals(second, c.read(3, 8192, 4096));
        }
    }

    @Test
    void aPluggedReaderUnplugsBeforeItWaitsForAPooledBuffer() throws Exception {
        int mib = 1 << 20;
        int n = (int) (PayloadBuffers.CAPACITY / mib) + 2;
        MemoryDevice large = new MemoryDevice(32 << 20, mib);
        fixture.export(large, "large");
        large.plugHolds();
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            burst.write(NbdClient.requestBytes(Nbd.CMD_READ, i, (long) i * mib, mib, new byte[0]));
        }
        try (NbdClient c = fixture.client().go("large")) {
            // Past the pool's bound a read waits for a buffer that only a completed read gives back.
            c.send(burst.toByteArray());
            for (int i = 0; i < n; i++) {
                assertEquals(0, c.reply().error());
                c.data(mib);
            }
        }
    }

    @Test
    void aPluggedReaderUnplugsBeforeItWaitsForRoomForData() throws Exception {
        int big = 24 << 20;
        MemoryDevice large = new MemoryDevice(32 << 20, 32 << 20);
        fixture.export(large, "large");
        large.plugHolds();
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            burst.write(NbdClient.requestBytes(Nbd.CMD_READ, i, 0, big, new byte[0]));
        }
        try (NbdClient c = fixture.client().go("large")) {
            // The third read waits for the data of the first two to be answered.
            c.send(burst.toByteArray());
            for (int i = 0; i < 3; i++) {
                assertEquals(0, c.reply().error());
                c.data(big);
            }
        }
    }

    private byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
