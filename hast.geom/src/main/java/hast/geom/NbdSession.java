package hast.geom;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.device.HastDevice;

/**
 * One client connection in transmission: requests are read in order and handed to the device
 * without waiting, replies go out as requests complete, in any order. In-flight requests and
 * their payload are bounded, so a fast client cannot make memory grow.
 */
final class NbdSession implements Runnable {
    private static final Logger LOG = Logger.getLogger(NbdSession.class.getName());
    static final int MAX_REQUESTS = 64;
    static final int MAX_PAYLOAD = 64 << 20;

    private final Wire wire;
    private final Handshake.Catalog catalog;
    private final Semaphore requests = new Semaphore(MAX_REQUESTS);
    private final Semaphore payload = new Semaphore(MAX_PAYLOAD);
    private volatile Export export;

    NbdSession(Wire wire, Handshake.Catalog catalog) {
        this.wire = wire;
        this.catalog = catalog;
    }

    String peer() {
        return wire.connection().peer();
    }

    @Override
    public void run() {
        try {
            Export chosen = new Handshake(wire, catalog).negotiate();
            if (chosen == null || !chosen.attach(this)) {
                return;
            }
            export = chosen;
            LOG.fine(() -> "NBD client " + peer() + " uses export " + chosen.name());
            serve(chosen);
        } catch (ProtocolException e) {
            LOG.warning(() -> "NBD client " + peer() + " broke the protocol (" + e.getMessage() + "); disconnected.");
        } catch (IOException e) {
            LOG.log(Level.FINE, "NBD client {0} gone: {1}", new Object[] {peer(), e.toString()});
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Export e = export;
            if (e != null) {
                e.detach(this);
            }
            close();
        }
    }

    private void serve(Export e) throws IOException, InterruptedException {
        HastDevice device = e.device();
        while (true) {
            ByteBuffer h = wire.read(28);
            if (h.getInt() != Nbd.REQUEST_MAGIC) {
                throw new ProtocolException("bad request magic");
            }
            int flags = Short.toUnsignedInt(h.getShort());
            int type = Short.toUnsignedInt(h.getShort());
            long handle = h.getLong();
            long offset = h.getLong();
            long length = Integer.toUnsignedLong(h.getInt());
            if (type == Nbd.CMD_DISC) {
                // Answer what is in flight before the connection goes.
                requests.acquire(MAX_REQUESTS);
                return;
            }
            int error = check(device, type, offset, length);
            if (type == Nbd.CMD_WRITE && error != 0) {
                if (length > 2L * device.maxRequest()) {
                    throw new ProtocolException("write of " + length + " bytes");
                }
                wire.skip(length);
            }
            if (error != 0) {
                reply(handle, error, null);
                continue;
            }
            int bytes = type == Nbd.CMD_READ || type == Nbd.CMD_WRITE ? (int) length : 0;
            requests.acquire();
            payload.acquire(bytes);
            ByteBuffer data = null;
            if (type == Nbd.CMD_WRITE) {
                data = ByteBuffer.allocate(bytes);
                wire.readInto(data);
                data.flip();
            }
            if (!e.enter()) {
                release(bytes);
                reply(handle, Nbd.ESHUTDOWN, null);
                continue;
            }
            dispatch(e, device, type, flags, handle, offset, length, data, bytes);
        }
    }

    /** The NBD error for a request that cannot be carried out, or 0. */
    private static int check(HastDevice device, int type, long offset, long length) {
        boolean sized = type == Nbd.CMD_READ || type == Nbd.CMD_WRITE;
        switch (type) {
            case Nbd.CMD_READ, Nbd.CMD_WRITE, Nbd.CMD_TRIM, Nbd.CMD_WRITE_ZEROES, Nbd.CMD_FLUSH -> {
            }
            default -> {
                return Nbd.EINVAL;
            }
        }
        if (type == Nbd.CMD_FLUSH) {
            return 0;
        }
        if (length == 0 || (sized && length > device.maxRequest())) {
            return Nbd.EINVAL;
        }
        if (offset < 0 || offset + length > device.size() || offset + length < 0) {
            return type == Nbd.CMD_READ ? Nbd.EINVAL : Nbd.ENOSPC;
        }
        return 0;
    }

    private void dispatch(Export e, HastDevice device, int type, int flags, long handle, long offset, long length,
            ByteBuffer data, int bytes) {
        boolean fua = (flags & Nbd.CMD_FLAG_FUA) != 0;
        ByteBuffer readBuffer = type == Nbd.CMD_READ ? ByteBuffer.allocate(bytes) : null;
        CompletionStage<Void> op;
        try {
            op = switch (type) {
                case Nbd.CMD_READ -> device.read(offset, readBuffer);
                case Nbd.CMD_WRITE -> device.write(offset, data, fua);
                case Nbd.CMD_FLUSH -> device.flush();
                case Nbd.CMD_TRIM -> device.trim(offset, length);
                case Nbd.CMD_WRITE_ZEROES -> device.writeZeroes(offset, length, (flags & Nbd.CMD_FLAG_NO_HOLE) == 0, fua);
                default -> throw new IllegalStateException("unchecked command " + type);
            };
        } catch (IllegalArgumentException refused) {
            op = java.util.concurrent.CompletableFuture.failedFuture(refused);
        }
        op.whenComplete((v, failure) -> {
            try {
                if (failure == null) {
                    reply(handle, 0, readBuffer == null ? null : readBuffer.flip());
                } else {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    LOG.log(Level.FINE, "NBD request failed for " + peer(), cause);
                    reply(handle, cause instanceof IllegalArgumentException ? Nbd.EINVAL : Nbd.EIO, null);
                }
            } catch (IOException gone) {
                LOG.log(Level.FINE, "Reply to {0} lost: {1}", new Object[] {peer(), gone.toString()});
                close();
            } finally {
                release(bytes);
                e.leave();
            }
        });
    }

    private void release(int bytes) {
        payload.release(bytes);
        requests.release();
    }

    private void reply(long handle, int error, ByteBuffer data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16).putInt(Nbd.SIMPLE_REPLY_MAGIC).putInt(error).putLong(handle).flip();
        if (data == null) {
            wire.write(header);
        } else {
            wire.write(header, data);
        }
    }

    void close() {
        try {
            wire.connection().close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "Closing {0}: {1}", new Object[] {peer(), e.toString()});
        }
    }
}
