package hast.engine.transport;

import hast.api.HastAddress;
import hast.api.transport.Transport;
import hast.testkit.TransportContract;

class TcpTransportContractTest extends TransportContract {
    @Override
    protected Transport transport() {
        return new TcpTransport();
    }

    @Override
    protected HastAddress listenAddress() {
        return HastAddress.parse("tcp://127.0.0.1:0");
    }
}
