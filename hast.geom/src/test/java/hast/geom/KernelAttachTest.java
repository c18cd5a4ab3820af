package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.device.HastDevice;
import hast.api.transport.Connection;
import hast.geom.kernel.KernelNbdClient;
import hast.posix.KernelDeviceThread;
import hast.posix.NbdDriver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What of the kernel attach runs without the kernel's nbd driver: negotiating an export over the
 * native socket (the one the kernel would take over), up to the transmission phase, and
 * the component's word that the export is the way in.
 */
class KernelAttachTest {
    private final MemoryDevice device = new MemoryDevice();
    private ExportFixture fixture;

    @TempDir
    Path root;

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** The kernel nbd client, with a driver looked for under the empty {@link #root}: none. */
    private KernelNbdClient kernel() {
        return new KernelNbdClient(new KernelDeviceThread(new NbdDriver(root)));
    }

    @Test
    void theNativeSocketNegotiatesTheExportAndThenCarriesRequests() throws Exception {
        fixture = new ExportFixture().withTransport().export(device, "r0");
        device.data[4096] = 0x5a;
        try (Connection c = kernel().connect(HastAddress.parse(fixture.address()))) {
            ExportClient.Negotiated export = ExportClient.go(c, "r0");
            assertEquals(MemoryDevice.SIZE, export.size());
            assertEquals(MemoryDevice.BLOCK, export.blockSize());
            assertEquals(Nbd.TRANSMISSION_FLAGS, export.flags());
            // As the kernel would after NBD_SET_SOCK: a simple READ of one sector.
            c.writeFully(ByteBuffer.allocate(Nbd.REQUEST_HEADER).putInt(Nbd.REQUEST_MAGIC).putShort((short) 0)
                    .putShort((short) Nbd.CMD_READ).putLong(7).putLong(4096).putInt(512).flip());
            ByteBuffer reply = ByteBuffer.allocate(Nbd.REPLY_HEADER + 512);
            c.readFully(reply);
            reply.flip();
            assertEquals(Nbd.SIMPLE_REPLY_MAGIC, reply.getInt());
            assertEquals(0, reply.getInt(), "no error");
            assertEquals(7, reply.getLong(), "the request's handle");
            assertEquals(0x5a, reply.get());
        }
    }

    @Test
    void anUnknownExportIsRefusedWithTheServersReason() throws Exception {
        fixture = new ExportFixture().withTransport().export(device, "r0");
        try (Connection c = kernel().connect(HastAddress.parse(fixture.address()))) {
            IOException e = assertThrows(IOException.class, () -> ExportClient.go(c, "nope"));
            assertTrue(e.getMessage().contains("refused export 'nope'"), e.getMessage());
        }
    }

    @Test
    void aUnixSocketExportIsReachedToo() throws Exception {
        Path socket = root.resolve("nbd.sock");
        NbdExporter exporter = new NbdExporter();
        exporter.bindTransport(new hast.engine.transport.UdsTransport(),
                Map.of(hast.api.transport.Transport.SCHEME, "uds"));
        exporter.bindDevice(device, Map.of(HastDevice.NAME, "u0", HastDevice.EXPORT, "uds://" + socket));
        try (Connection c = kernel().connect(HastAddress.parse("uds://" + socket))) {
            assertEquals(MemoryDevice.SIZE, ExportClient.go(c, "u0").size());
        } finally {
            exporter.deactivate();
        }
    }

    @Test
    void withoutTheDriverEachExportIsNamedOnceAsTheWayIn() throws Exception {
        List<String> messages = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                messages.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(KernelDevices.class.getName());
        log.addHandler(capture);
        List<Object> registered = new ArrayList<>();
        KernelDevices devices = new KernelDevices(kernel(), (node, properties) -> {
            registered.add(node);
            return () -> { };
        });
        try {
            String export = "tcp://127.0.0.1:10809";
            for (String name : List.of("a", "b")) {
                devices.bindDevice(new MemoryDevice(), Map.of(HastDevice.NAME, name, HastDevice.EXPORT, export,
                        HastDevice.RESOURCE, name));
            }
            devices.bindDevice(new MemoryDevice(), Map.of(HastDevice.NAME, "c", HastDevice.EXPORT,
                    "tcp://127.0.0.1:10810", HastDevice.RESOURCE, "c"));
            assertEquals(List.of("Kernel nbd driver not present; export at tcp://127.0.0.1:10809 is the way in.",
                    "Kernel nbd driver not present; export at tcp://127.0.0.1:10810 is the way in."), messages);
            assertEquals(List.of(), registered, "no device node without the driver");
        } finally {
            log.removeHandler(capture);
            devices.deactivate();
        }
    }
}
