package hast.engine.transport;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import hast.api.HastAddress;
import hast.api.transport.Transport;
import hast.testkit.TransportContract;

import org.junit.jupiter.api.io.TempDir;

class UdsTransportContractTest extends TransportContract {
    @TempDir
    Path dir;
    private final AtomicInteger sockets = new AtomicInteger();

    @Override
    protected Transport transport() {
        return new UdsTransport();
    }

    @Override
    protected HastAddress listenAddress() {
        return HastAddress.parse("uds://" + dir.resolve("s" + sockets.incrementAndGet() + ".sock"));
    }
}
