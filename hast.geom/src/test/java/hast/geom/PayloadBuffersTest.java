package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PayloadBuffersTest {
    private static final int MIB = 1 << 20;
    private final PayloadBuffers buffers = new PayloadBuffers(MIB);

    @Test
    void smallPayloadsStayOnTheHeapAndLargeOnesGetTheSmallestDirectBufferThatHoldsThem() {
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
    void aReturnedBufferServesTheNextRequestOfItsSizeOrSmaller() {
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
    void directMemoryIsBoundedInUseAndIdle() {
        List<ByteBuffer> inUse = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            inUse.add(buffers.take(MIB));
        }
        assertEquals(PayloadBuffers.CAPACITY, buffers.allocated());
        assertEquals(PayloadBuffers.CAPACITY / MIB, inUse.stream().filter(ByteBuffer::isDirect).count(),
                "past the bound, requests get heap buffers");
        inUse.forEach(buffers::give);
        for (int i = 0; i < 64; i++) {
            buffers.give(buffers.take(MIB));
        }
        assertEquals(PayloadBuffers.CAPACITY, buffers.allocated(), "a second burst reuses the first one's buffers");
    }

    @Test
    void whenRequestsGrowIdleSmallBuffersMakeRoomForLargeOnes() {
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
