package hast.geom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export's pooled payload buffers are freed once its clients go quiet, with a client still
 * connected, and the next requests get new ones: a real NBD client (qemu-io) before and after.
 */
@Timeout(120)
class IdleBuffersTest {
    private static final int KIB = 1024;
    private final MemoryDevice device = new MemoryDevice();
    @TempDir
    Path dir;
    private ExportFixture fixture;

    @BeforeEach
    void export() throws Exception {
        fixture = new ExportFixture(ExportLimits.DEFAULT.withQuiet(Duration.ofMillis(200))).withTransport()
                .export(device, "mem");
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void idleBuffersAreFreedWhileAClientStaysAndTheNextRequestsGetNewOnes() throws Exception {
        byte[] first = new byte[MemoryDevice.MAX_REQUEST];
        Arrays.fill(first, (byte) 0x5a);
        try (NbdClient client = fixture.client().go("mem")) {
            client.write(0, 1, 0, first);
            assertEquals(0, client.errorFor(1));
            // The connection stays, as a kernel client's or qemu's does, with no request for a while.
            awaitNoPayloadBuffers();
            assertArrayEquals(first, client.read(2, 0, first.length), "a request after the release reads what was written");
        }
        String out = ExternalTool.succeed(dir, "/usr/bin/qemu-io", "-f", "raw", "-c", "write -P 0xab 0 512k",
                "-c", "read -P 0xab 0 512k", "nbd://127.0.0.1:" + fixture.port + "/mem");
        assertTrue(out.contains("read 524288/524288 bytes at offset 0"), out);
        awaitNoPayloadBuffers();
        out = ExternalTool.succeed(dir, "/usr/bin/qemu-io", "-f", "raw", "-c", "write -P 0xcd 256k 512k",
                "-c", "read -P 0xab 0 256k", "-c", "read -P 0xcd 256k 512k", "nbd://127.0.0.1:" + fixture.port + "/mem");
        assertTrue(out.contains("read 524288/524288 bytes at offset 262144"), out);
        for (int i = 0; i < 768 * KIB; i++) {
            assertEquals(i < 256 * KIB ? (byte) 0xab : (byte) 0xcd, device.data[i], "byte " + i + " on the device");
        }
    }

    /** Waits, with a deadline, until the export holds no direct payload buffer. */
    private void awaitNoPayloadBuffers() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fixture.exporter.payloadBufferBytes() > 0) {
            assertTrue(System.nanoTime() < deadline, "the export still holds " + fixture.exporter.payloadBufferBytes()
                    + " bytes of payload buffers after 30 s without requests");
            Thread.sleep(20);
        }
    }
}
