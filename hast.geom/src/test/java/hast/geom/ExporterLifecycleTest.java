package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import hast.api.device.HastDevice;
import hast.api.transport.Transport;
import hast.engine.transport.UdsTransport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Devices and transports coming and going, in either order, and what that does to listeners and clients. */
@Timeout(60)
class ExporterLifecycleTest {
    private final MemoryDevice device = new MemoryDevice();
    private ExportFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ExportFixture(Duration.ofSeconds(10), Duration.ofMillis(1500));
    }

    @AfterEach
    void tearDown() {
        device.releaseAll();
        fixture.close();
    }

    @Test
    void aServerListensOnceItHasBothADeviceAndATransport() throws Exception {
        fixture.export(device, "mem");
        assertThrows(ConnectException.class, fixture::client, "no transport yet");
        fixture.withTransport();
        try (NbdClient c = fixture.client().go("mem")) {
            assertEquals(0, c.read(1, 0, 512)[0]);
        }

        ExportFixture other = new ExportFixture().withTransport();
        try {
            assertThrows(ConnectException.class, other::client, "no device yet");
            other.export(new MemoryDevice(), "late");
            try (NbdClient c = other.client().go("late")) {
                assertEquals(0, c.read(1, 0, 512)[0]);
            }
        } finally {
            other.close();
        }
    }

    @Test
    void devicesSharingAnAddressShareOneServer() throws Exception {
        MemoryDevice second = new MemoryDevice();
        fixture.withTransport().export(device, "a").export(second, "b");
        try (NbdClient a = fixture.client().go("a"); NbdClient b = fixture.client().go("b")) {
            a.write(0, 1, 0, new byte[] {1});
            b.write(0, 2, 0, new byte[] {2});
            assertEquals(0, a.errorFor(1));
            assertEquals(0, b.errorFor(2));
            assertEquals(1, device.data[0]);
            assertEquals(2, second.data[0]);

            fixture.exporter.unbindDevice(device);
            a.assertClosedByServer();
            assertEquals(2, b.read(3, 0, 1)[0], "the other export keeps its clients");
            try (NbdClient c = fixture.client().flags()) {
                c.option(Nbd.OPT_GO, c.infoRequest("a"));
                assertEquals(Nbd.REP_ERR_UNKNOWN, c.optionReply().type(), "the withdrawn export is gone");
            }

            fixture.exporter.unbindDevice(second);
            b.assertClosedByServer();
        }
        assertThrows(ConnectException.class, fixture::client, "the last device took the listener with it");
    }

    @Test
    void unbindWaitsForRequestsInFlightAndRefusesNewOnes() throws Exception {
        fixture.withTransport().export(device, "mem");
        device.hold();
        try (NbdClient c = fixture.client().go("mem")) {
            c.write(0, 1, 0, new byte[] {7});
            MemoryDevice.Pending held = device.awaitPending(1).get(0);
            CountDownLatch unbound = new CountDownLatch(1);
            Thread unbind = new Thread(() -> {
                fixture.exporter.unbindDevice(device);
                unbound.countDown();
            }, "test-unbind");
            unbind.start();
            assertFalse(unbound.await(300, TimeUnit.MILLISECONDS), "unbind waits for the write in flight");

            c.request(Nbd.CMD_READ, 0, 2, 0, 512);
            assertEquals(Nbd.ESHUTDOWN, c.errorFor(2), "a request arriving during the drain is refused");

            device.release(held);
            assertEquals(0, c.errorFor(1), "the accepted write is answered before the export goes");
            assertTrue(unbound.await(10, TimeUnit.SECONDS));
            c.assertClosedByServer();
        }
        assertEquals(7, device.data[0]);
        assertThrows(ConnectException.class, fixture::client);
    }

    @Test
    void unbindGivesUpOnRequestsThatNeverComplete() throws Exception {
        fixture.withTransport().export(device, "mem");
        device.hold();
        try (NbdClient c = fixture.client().go("mem")) {
            c.write(0, 1, 0, new byte[] {7});
            device.awaitPending(1);
            long start = System.nanoTime();
            fixture.exporter.unbindDevice(device);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis >= 1400, "waited for the drain deadline, took " + tookMillis + " ms");
            c.assertClosedByServer();
        }
    }

    @Test
    void connectionsStillNegotiatingAreRefusedAWithdrawnExport() throws Exception {
        fixture.withTransport().export(device, "mem").export(new MemoryDevice(), "other");
        try (NbdClient c = fixture.client().flags()) {
            fixture.exporter.unbindDevice(device);
            c.option(Nbd.OPT_GO, c.infoRequest("mem"));
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.optionReply().type());
            c.option(Nbd.OPT_GO, c.infoRequest("other"));
            assertEquals(Nbd.REP_ACK, c.optionReplies().get(2).type());
        }
    }

    @Test
    void aDeviceBackAtOnceListensAgainOnTheSameAddress() throws Exception {
        fixture.withTransport();
        for (int round = 0; round < 3; round++) {
            fixture.export(device, "mem");
            try (NbdClient c = fixture.client().go("mem")) {
                assertEquals(0, c.read(1, 0, 1)[0], "round " + round);
            }
            fixture.exporter.unbindDevice(device);
        }
    }

    @Test
    void aDeviceWaitingForATakenNameTakesOverWhenItIsFree() throws Exception {
        MemoryDevice twin = new MemoryDevice();
        twin.data[0] = 9;
        fixture.withTransport().export(device, "mem").export(twin, "mem");
        try (NbdClient c = fixture.client().go("mem")) {
            assertEquals(0, c.read(1, 0, 1)[0], "the first device keeps the name");
        }
        fixture.exporter.unbindDevice(device);
        try (NbdClient c = fixture.client().go("mem")) {
            assertEquals(9, c.read(1, 0, 1)[0], "the waiting device took the name over");
        }
    }

    @Test
    void aTransportLeavingClosesItsServersAndTheyReturnWithIt() throws Exception {
        fixture.withTransport().export(device, "mem");
        try (NbdClient c = fixture.client().go("mem")) {
            fixture.exporter.unbindTransport(fixture.tcp);
            c.assertClosedByServer();
        }
        assertThrows(ConnectException.class, fixture::client);
        fixture.withTransport();
        try (NbdClient c = fixture.client().go("mem")) {
            assertEquals(0, c.read(1, 0, 1)[0]);
        }
    }

    @Test
    void anotherTransportForTheSchemeTakesOver() throws Exception {
        Transport backup = new hast.engine.transport.TcpTransport();
        fixture.withTransport().export(device, "mem");
        fixture.exporter.bindTransport(backup, Map.of(Transport.SCHEME, "tcp"));
        fixture.exporter.unbindTransport(fixture.tcp);
        try (NbdClient c = fixture.client().go("mem")) {
            assertEquals(0, c.read(1, 0, 1)[0]);
        }
    }

    @Test
    void devicesWithoutAUsableAddressAreIgnored() throws Exception {
        fixture.withTransport();
        fixture.exporter.bindDevice(device, Map.of(HastDevice.NAME, "mem", HastDevice.EXPORT, "bogus://x"));
        fixture.exporter.bindDevice(new MemoryDevice(), Map.of(HastDevice.NAME, "noexport"));
        fixture.exporter.unbindDevice(device);
        fixture.export(device, "mem");
        try (NbdClient c = fixture.client().go("mem")) {
            assertEquals(0, c.read(1, 0, 1)[0], "the exporter still works");
        }
    }

    @Test
    void unixDomainSocketsServeToo(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("nbd.sock");
        fixture.exporter.bindTransport(new UdsTransport(), Map.of(Transport.SCHEME, "uds"));
        fixture.exporter.bindDevice(device, Map.of(HastDevice.NAME, "mem", HastDevice.EXPORT, "uds://" + socket));
        try (NbdClient c = new NbdClient(socket).go("mem")) {
            c.write(0, 1, 512, new byte[] {5});
            assertEquals(0, c.errorFor(1));
            assertEquals(5, c.read(2, 512, 1)[0]);
        }
    }

    @Test
    void aSuccessorOnTheSameSocketSurvivesItsPredecessorsDrain(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("nbd.sock");
        Map<String, Object> properties = Map.of(HastDevice.NAME, "mem", HastDevice.EXPORT, "uds://" + socket);
        fixture.exporter.bindTransport(new UdsTransport(), Map.of(Transport.SCHEME, "uds"));
        fixture.exporter.bindDevice(device, properties);
        device.hold();
        try (NbdClient old = new NbdClient(socket).go("mem")) {
            old.write(0, 1, 0, new byte[] {1});
            MemoryDevice.Pending held = device.awaitPending(1).get(0);
            CountDownLatch unbound = new CountDownLatch(1);
            Thread unbind = new Thread(() -> {
                fixture.exporter.unbindDevice(device);
                unbound.countDown();
            }, "test-unbind");
            unbind.start();
            assertFalse(unbound.await(300, TimeUnit.MILLISECONDS), "draining");
            MemoryDevice successor = new MemoryDevice();
            successor.data[0] = 3;
            fixture.exporter.bindDevice(successor, properties);
            device.release(held);
            assertEquals(0, old.errorFor(1));
            assertTrue(unbound.await(10, TimeUnit.SECONDS));
        }
        try (NbdClient c = new NbdClient(socket).go("mem")) {
            assertEquals(3, c.read(2, 0, 1)[0], "the successor's socket is still there");
        }
    }

    @Test
    void deactivateStopsEveryThread() throws Exception {
        fixture.withTransport().export(device, "mem");
        device.hold();
        NbdClient idle = fixture.client().flags();
        NbdClient busy = fixture.client().go("mem");
        busy.request(Nbd.CMD_READ, 0, 1, 0, 512);
        device.awaitPending(1);
        Set<Thread> ours = nbdThreads(idle, busy);
        assertEquals(4, ours.size(), "acceptor, a negotiating reader, a transmitting reader and its writer: "
                + ours.stream().map(Thread::getName).toList());
        fixture.close();
        for (Thread t : ours) {
            t.join(10_000);
            assertFalse(t.isAlive(), t.getName() + " still running");
        }
        idle.assertClosedByServer();
        busy.assertClosedByServer();
        idle.close();
        busy.close();
    }

    /** The server threads of this test: its acceptor and those serving the given clients. */
    private Set<Thread> nbdThreads(NbdClient... clients) {
        Set<String> names = new HashSet<>();
        names.add("nbd-accept tcp://127.0.0.1:" + fixture.port);
        for (NbdClient c : clients) {
            names.add("nbd-conn tcp://127.0.0.1:" + c.localPort());
            names.add("nbd-reply tcp://127.0.0.1:" + c.localPort());
        }
        return Thread.getAllStackTraces().keySet().stream().filter(t -> names.contains(t.getName()))
                .collect(Collectors.toSet());
    }
}
