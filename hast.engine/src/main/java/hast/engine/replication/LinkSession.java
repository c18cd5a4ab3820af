package hast.engine.replication;

import hast.api.transport.Connection;
import hast.engine.codec.CodecSet;

/**
 * A connection to the secondary that passed the handshake, the writer all its requests go
 * through, and what its peer decodes.
 */
final class LinkSession {
    final Connection connection;
    final FrameWriter writer;
    /** Where the connection was made: a reload that moves the remote ends it. */
    final LinkEndpoint endpoint;
    /** The protocol version the handshake agreed on. */
    final int version;
    /** The protocol versions the secondary announced. */
    final ProtocolRange peerSpeaks;
    volatile CodecSet peer;

    LinkSession(Connection connection, Greeting.Accepted accepted, LinkEndpoint endpoint) {
        this.connection = connection;
        this.version = accepted.version();
        this.peerSpeaks = accepted.peer();
        this.writer = new FrameWriter(connection, version);
        this.endpoint = endpoint;
        this.peer = accepted.welcome().codecs();
    }
}
