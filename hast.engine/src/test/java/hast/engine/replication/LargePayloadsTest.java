package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class LargePayloadsTest {
    private final BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();

    @Test
    void idleBuffersAreFreedAndThoseInUseComeBackAsBefore() throws Exception {
        LargePayloads large = new LargePayloads(2);
        ByteBuffer idle = large.take();
        ByteBuffer inUse = large.take();
        large.give(idle);
        long before = direct.getMemoryUsed();
        large.releaseIdle();
        assertEquals(before - Frame.MAX_REQUEST_PAYLOAD, direct.getMemoryUsed(), "the idle buffer is freed at once");
        large.give(inUse);
        assertSame(inUse, large.take(), "a buffer in use at the release is kept");
        ByteBuffer again = large.take();
        assertNotSame(idle, again, "the freed buffer's place is taken by a new one, within the count");
        again.put(0, (byte) 1);
        assertEquals(Frame.MAX_REQUEST_PAYLOAD, again.capacity());
    }
}
