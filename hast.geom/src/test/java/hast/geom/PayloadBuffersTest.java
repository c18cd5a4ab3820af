package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class PayloadBuffersTest {
    private static final int MIB = 1 << 20;
    private final PayloadBuffers buffers = new PayloadBuffers(MIB);

    @Test
    void smallPayloadsStayOnTheHeapAndLargeOnesGetTheSmallestDirectBufferThatHoldsThem() throws Exception {
        ByteBuffer small = buffers.take(4096);
        assertFalse(small.isDirect());
        assertEquals(4096, small.remaining());
        ByteBuffer mid = buffers.take(200_000);
        assertTrue(mid.isDirect());
        assertEquals(256 * 1024, mid.capacity(), "a 200 KB payload takes 256 KiB, not the largest request");
        assertEquals(0, mid.position());
        assertEquals(200_000, mid.limit());
        assertEquals(64 * 1024, buffers.take(PayloadBuffers.DIRECT_MIN).capacity());
        assertEquals(MIB, buffers.take(MIB).capacity());
    }

    @Test
    void aReturnedBufferServesTheNextRequestOfItsSizeOrSmaller() throws Exception {
        ByteBuffer first = buffers.take(MIB);
        first.put((byte) 1);
        buffers.give(first);
        ByteBuffer again = buffers.take(100_000);
        assertSame(first, again, "an idle larger buffer serves before a new one is made");
        assertEquals(0, again.position());
        assertEquals(100_000, again.limit());
        assertEquals(MIB, buffers.allocated());
    }

    @Test
    void idleBuffersAreFreedAfterAPeriodWithoutTakesAndThoseInUseStay() throws Exception {
        ByteBuffer idle = buffers.take(MIB);
        ByteBuffer inUse = buffers.take(256 * 1024);
        buffers.give(idle);
        buffers.releaseIdle();
        assertEquals(MIB + 256 * 1024, buffers.allocated(), "a period with a take frees nothing");
        buffers.releaseIdle();
        assertEquals(256 * 1024, buffers.allocated(), "a quiet period frees the idle buffer, not the one in use");
        buffers.give(inUse);
        ByteBuffer next = buffers.take(MIB);
        assertTrue(next.isDirect());
        assertEquals(MIB, next.capacity(), "a new buffer, not the freed one");
        next.put(0, (byte) 7);
        assertEquals(MIB + 256 * 1024, buffers.allocated());
    }

    @Test
    void directMemoryIsBoundedInUseAndIdle() throws Exception {
        List<ByteBuffer> inUse = new ArrayList<>();
        for (long made = 0; made < PayloadBuffers.CAPACITY; made += MIB) {
            inUse.add(buffers.take(MIB));
        }
        assertEquals(PayloadBuffers.CAPACITY, buffers.allocated());
        assertTrue(inUse.stream().allMatch(ByteBuffer::isDirect));
        inUse.forEach(buffers::give);
        for (int i = 0; i < 64; i++) {
            buffers.give(buffers.take(MIB));
        }
        assertEquals(PayloadBuffers.CAPACITY, buffers.allocated(), "a second burst reuses the first one's buffers");
    }

    @Test
    void pastTheBoundARequestWaitsForABufferToComeBackRatherThanTakeTheHeap() throws Exception {
        List<ByteBuffer> inUse = new ArrayList<>();
        for (long made = 0; made < PayloadBuffers.CAPACITY; made += MIB) {
            inUse.add(buffers.take(MIB));
        }
        CompletableFuture<ByteBuffer> next = new CompletableFuture<>();
        Thread reader = waiting(next, 300_000);
        buffers.give(inUse.get(3));
        ByteBuffer got = next.get(30, TimeUnit.SECONDS);
        assertSame(inUse.get(3), got, "the returned buffer serves the waiting request");
        assertEquals(300_000, got.limit());
        reader.join();
        assertEquals(PayloadBuffers.CAPACITY, buffers.allocated());
    }

    @Test
    void aForgottenBufferMakesRoomForANewOne() throws Exception {
        List<ByteBuffer> inUse = new ArrayList<>();
        for (long made = 0; made < PayloadBuffers.CAPACITY; made += MIB) {
            inUse.add(buffers.take(MIB));
        }
        CompletableFuture<ByteBuffer> next = new CompletableFuture<>();
        waiting(next, MIB);
        // A stalled disk still holds it: it is never handed out again.
        buffers.forget(inUse.get(0));
        ByteBuffer got = next.get(30, TimeUnit.SECONDS);
        assertTrue(got.isDirect());
        assertTrue(inUse.stream().noneMatch(b -> b == got));
        assertEquals(PayloadBuffers.CAPACITY, buffers.allocated());
    }

    /** A thread taking a buffer of {@code size} bytes into {@code into}, returned once it waits in the call. */
    private Thread waiting(CompletableFuture<ByteBuffer> into, int size) throws InterruptedException {
        Thread t = new Thread(() -> {
            try {
                into.complete(buffers.take(size));
            } catch (InterruptedException e) {
                into.completeExceptionally(e);
            }
        });
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < deadline, "the request never waited: " + t.getState());
            Thread.onSpinWait();
        }
        assertFalse(into.isDone(), "no buffer while every one is in use");
        return t;
    }

    @Test
    void whenRequestsGrowIdleSmallBuffersMakeRoomForLargeOnes() throws Exception {
        List<ByteBuffer> small = new ArrayList<>();
        for (long made = 0; made < PayloadBuffers.CAPACITY; made += 256 * 1024) {
            small.add(buffers.take(256 * 1024));
        }
        small.forEach(buffers::give);
        assertEquals(PayloadBuffers.CAPACITY, buffers.allocated());
        ByteBuffer large = buffers.take(MIB);
        assertTrue(large.isDirect(), "four idle 256 KiB buffers were let go for it");
        assertEquals(PayloadBuffers.CAPACITY, buffers.allocated());
    }
}
