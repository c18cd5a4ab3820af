package hast.run;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One NBD connection to an export on a Unix socket, one request at a time. The fault scenarios
 * need what no NBD command-line client gives: a write acknowledged without any FLUSH after it
 * (qemu-io flushes when it closes, even with {@code -t unsafe}), and the error of every request.
 * A request the server leaves unanswered fails at {@link Node#DEADLINE} instead of hanging the test.
 */
final class NbdSession implements AutoCloseable {
    private static final long IHAVEOPT = 0x49484156454F5054L;
    private static final int REQUEST = 0x25609513;
    private static final int SIMPLE_REPLY = 0x67446698;
    private static final short WRITE = 1;
    private static final short DISCONNECT = 2;
    private static final short FLUSH = 3;

    private final SocketChannel channel;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "nbd session"));
    private long handle;

    NbdSession(Path socket, String export) throws IOException {
        channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        try {
            call(() -> {
                ByteBuffer greeting = read(18);
                if (greeting.getLong() != 0x4e42444d41474943L || greeting.getLong() != IHAVEOPT) {
                    throw new IOException("not an NBD server with the newstyle handshake");
                }
                byte[] name = export.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                write(ByteBuffer.allocate(4 + 16 + name.length).putInt(3 /* FIXED_NEWSTYLE | NO_ZEROES */)
                        .putLong(IHAVEOPT).putInt(1 /* EXPORT_NAME */).putInt(name.length).put(name).flip());
                read(10); // size and transmission flags
                return 0;
            });
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Writes {@code data} at {@code offset}; returns the server's error, 0 when the write is acknowledged. */
    int write(long offset, byte[] data) throws IOException {
        return request(WRITE, offset, data);
    }

    /** Asks the server to make every acknowledged write durable; returns its error, 0 on success. */
    int flush() throws IOException {
        return request(FLUSH, 0, new byte[0]);
    }

    private int request(short type, long offset, byte[] data) throws IOException {
        long h = ++handle;
        return call(() -> {
            write(ByteBuffer.allocate(28 + data.length).putInt(REQUEST).putShort((short) 0).putShort(type).putLong(h)
                    .putLong(offset).putInt(type == FLUSH ? 0 : data.length).put(data).flip());
            ByteBuffer reply = read(16);
            if (reply.getInt() != SIMPLE_REPLY) {
                throw new IOException("not a simple reply");
            }
            int error = reply.getInt();
            if (reply.getLong() != h) {
                throw new IOException("a reply to another request");
            }
            return error;
        });
    }

    private interface Exchange {
        int run() throws IOException;
    }

    private int call(Exchange exchange) throws IOException {
        Future<Integer> done = io.submit(exchange::run);
        try {
            return done.get(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            channel.close();
            throw new AssertionError("no NBD reply within " + Node.DEADLINE);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private ByteBuffer read(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("the server closed the connection");
            }
        }
        return b.flip();
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Disconnects politely when the server still listens; a dead server is simply left. */
    @Override
    public void close() throws IOException {
        try {
            if (channel.isOpen()) {
                io.submit(() -> {
                    write(ByteBuffer.allocate(28).putInt(REQUEST).putShort((short) 0).putShort(DISCONNECT)
                            .putLong(++handle).putLong(0).putInt(0).flip());
                    return 0;
                }).get(1, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            // The server has gone: nothing to say goodbye to.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            io.shutdownNow();
            channel.close();
        }
    }
}
