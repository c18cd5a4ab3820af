package hast.engine.transport;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.Listener;

/** A blocking server socket of either family; a Unix-domain socket file is removed on close. */
final class ChannelListener implements Listener {
    private final ServerSocketChannel server;
    private final HastAddress address;
    private final Path socketFile;
    private final PeerNamer namer;

    /** Turns an accepted channel into the printable peer name of its connection. */
    interface PeerNamer {
        String name(SocketChannel accepted) throws IOException;
    }

    ChannelListener(ServerSocketChannel server, HastAddress address, Path socketFile, PeerNamer namer) {
        this.server = server;
        this.address = address;
        this.socketFile = socketFile;
        this.namer = namer;
    }

    @Override
    public HastAddress address() {
        return address;
    }

    @Override
    public Connection accept() throws IOException {
        SocketChannel accepted = server.accept();
        try {
            return new ChannelConnection(accepted, namer.name(accepted));
        } catch (IOException | RuntimeException e) {
            accepted.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
        }
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
