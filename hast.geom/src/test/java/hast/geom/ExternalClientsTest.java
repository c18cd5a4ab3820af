package hast.geom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import hast.testkit.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real NBD clients (libnbd's nbdinfo and nbdcopy, qemu's block layer) against the server, when
 * installed. The export frees its idle payload buffers after a short quiet period here, so that
 * the clients also meet buffers made anew.
 */
@Timeout(120)
class ExternalClientsTest {
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
    void nbdinfoDescribesTheExport() throws Exception {
        String json = run("/usr/bin/nbdinfo", "--json", uri());
        assertTrue(json.replace(" ", "").contains("\"export-size\":" + MemoryDevice.SIZE), json);
        assertTrue(json.contains("\"mem\""), json);
        assertTrue(json.contains("HAST resource r-mem"), json);
        assertTrue(json.replace(" ", "").contains("\"block_size_maximum\":" + MemoryDevice.MAX_REQUEST), json);
    }

    @Test
    void qemuWritesAndReadsBackAPattern() throws Exception {
        String out = run("/usr/bin/qemu-io", "-f", "raw", "-c", "write -P 0xab 0 64k", "-c", "read -P 0xab 0 64k",
                uri());
        assertTrue(out.contains("wrote 65536/65536 bytes at offset 0"), out);
        assertTrue(out.contains("read 65536/65536 bytes at offset 0"), out);
        for (int i = 0; i < 65536; i++) {
            assertEquals((byte) 0xab, device.data[i], "byte " + i + " on the device");
        }
        assertEquals(0, device.data[65536], "nothing written past the range");
    }

    @Test
    void nbdcopyRoundTripsAnImageOverSeveralConnections() throws Exception {
        byte[] image = new byte[MemoryDevice.SIZE];
        new Random(7).nextBytes(image);
        Path source = dir.resolve("source.img");
        Path copy = dir.resolve("copy.img");
        Files.write(source, image);
        // nbdcopy's default request size (256 KiB) exceeds the test device's largest request.
        run("/usr/bin/nbdcopy", "--connections=4", "--requests=64", "--request-size=65536", source.toString(), uri());
        assertArrayEquals(image, device.data, "the device holds the image");
        run("/usr/bin/nbdcopy", "--connections=4", "--request-size=131072", uri(), copy.toString());
        assertArrayEquals(image, Files.readAllBytes(copy), "the image read back");
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
        String out = run("/usr/bin/qemu-io", "-f", "raw", "-c", "write -P 0xab 0 512k",
                "-c", "read -P 0xab 0 512k", uri());
        assertTrue(out.contains("read 524288/524288 bytes at offset 0"), out);
        awaitNoPayloadBuffers();
        out = run("/usr/bin/qemu-io", "-f", "raw", "-c", "write -P 0xcd 256k 512k",
                "-c", "read -P 0xab 0 256k", "-c", "read -P 0xcd 256k 512k", uri());
        assertTrue(out.contains("read 524288/524288 bytes at offset 262144"), out);
        for (int i = 0; i < 768 * 1024; i++) {
            assertEquals(i < 256 * 1024 ? (byte) 0xab : (byte) 0xcd, device.data[i], "byte " + i + " on the device");
        }
    }

    /** Waits, with a deadline, until the export holds no direct payload buffer. */
    private void awaitNoPayloadBuffers() throws InterruptedException {
        Await.until("the export to free its payload buffers after a while without requests", Duration.ofSeconds(30),
                () -> fixture.exporter.payloadBufferBytes() == 0);
    }

    private String uri() {
        return "nbd://127.0.0.1:" + fixture.port + "/mem";
    }

    private String run(String... command) throws IOException, InterruptedException {
        return ExternalTool.succeed(dir, command);
    }
}
