package hast.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class DirectMemoryTest {
    @Test
    void aFreedBufferLeavesTheJdksDirectMemoryAtOnce() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        ByteBuffer b = ByteBuffer.allocateDirect(4 << 20);
        long held = direct.getMemoryUsed();
        DirectMemory.free(b);
        assertEquals(held - (4 << 20), direct.getMemoryUsed(), "freed without waiting for the collector");
    }
}
