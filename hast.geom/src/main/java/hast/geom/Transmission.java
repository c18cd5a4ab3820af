package hast.geom;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.device.AbandonedRequestException;
import hast.api.device.HastDevice;

/**
 * The transmission phase of one connection: requests are read in order and handed to the device
 * without waiting, and each is answered through the {@link ReplyWriter} when it completes, in
 * whatever order that is, in the form the negotiation chose ({@link ReplyFormat}). Requests in flight and the data they hold are bounded; at the bound
 * the loop stops reading, so a client that floods the socket meets TCP back-pressure instead of
 * growing the heap. A call into the device that holds the reading thread (a frozen disk under a
 * device's cheap path) costs the client that request only: see {@link ReadingRelay}.
 *
 * <p>While the client's next request is already in the buffer, the reader {@linkplain
 * HastDevice#plug() plugs} the device, so that a burst of small requests reaches the secondary in
 * one write rather than one each; it unplugs before anything it may wait for (see {@link Plug}).
 */
final class Transmission {
    private static final Logger LOG = Logger.getLogger(Transmission.class.getName());
    static final int MAX_REQUESTS = 64;
    static final int MAX_PAYLOAD = 64 << 20;

    private final Wire wire;
    private final Export export;
    private final HastDevice device;
    private final ReplyWriter replies;
    private final ReplyFormat format;
    private final String label;
    private final Semaphore requests = new Semaphore(MAX_REQUESTS);
    private final Semaphore payload = new Semaphore(MAX_PAYLOAD);
    private final PayloadBuffers buffers;
    private final ReadingRelay relay;

    /**
     * @param label names the export and the client in log lines
     * @param relay hands the reading to another thread when a call into the device holds this one
     */
    Transmission(Wire wire, Export export, ReplyWriter replies, ReplyFormat format, String label, ReadingRelay relay) {
        this.format = format;
        this.relay = relay;
        this.wire = wire;
        this.export = export;
        this.device = export.device();
        this.buffers = export.buffers();
        this.replies = replies;
        this.label = label;
    }

    /**
     * Serves requests until the client disconnects, or until a call into the device held this
     * thread so long that another took over the reading ({@link ReadingRelay}).
     *
     * @return true when the client is gone, false when this thread was replaced as the reader
     * @throws ProtocolException when the client breaks the protocol; the connection must go
     */
    boolean serve() throws IOException, InterruptedException {
        Plug plug = new Plug();
        try {
            while (true) {
                if (wire.buffered() < Nbd.REQUEST_HEADER) {
                    plug.release();
                }
                ByteBuffer header = wire.readHeader(Nbd.REQUEST_HEADER);
                if (header == null) {
                    LOG.info(() -> label + " closed the connection without NBD_CMD_DISC.");
                    return true;
                }
                Request request = Request.parse(header);
                if (request.type() == Nbd.CMD_DISC) {
                    // Everything in flight is answered before the connection goes.
                    plug.release();
                    requests.acquire(MAX_REQUESTS);
                    LOG.info(() -> label + " disconnected.");
                    return true;
                }
                plug.acquire(requests, 1);
                int refusal = request.refusal(device, format.allocation());
                if (refusal != 0) {
                    plug.release();
                    refuse(request, refusal);
                } else if (!accept(request, plug)) {
                    LOG.warning(() -> label + ": " + request.describe() + " held its reader in the device for over "
                            + ReadingRelay.PATIENCE.toMillis() + " ms; another thread had taken over reading.");
                    return false;
                }
            }
        } finally {
            plug.release();
        }
    }

    /**
     * Whether this reader has {@linkplain HastDevice#plug() plugged} the device. The device may
     * then hold back what earlier requests send, and they may not complete until the unplug: every
     * wait of the reader (for the client, for a request in flight to end, for a buffer) comes
     * after the unplug, or it might wait for itself.
     */
    private final class Plug {
        /**
         * A new reader may take over from one that a call into the device holds while plugged
         * ({@link ReadingRelay}): its first unplug sends what that one held back.
         */
        private boolean plugged = true;

        void hold() {
            if (!plugged) {
                device.plug();
                plugged = true;
            }
        }

        void release() {
            if (plugged) {
                plugged = false;
                device.unplug();
            }
        }

        /** Takes {@code permits}, unplugging first if they are not there. */
        void acquire(Semaphore s, int permits) throws InterruptedException {
            if (!s.tryAcquire(permits)) {
                release();
                s.acquire(permits);
            }
        }

        /** A buffer for a request's data, unplugging first if the export must wait for one. */
        ByteBuffer take(int bytes) throws InterruptedException {
            ByteBuffer b = buffers.tryTake(bytes);
            if (b == null) {
                release();
                b = buffers.take(bytes);
            }
            return b;
        }
    }

    private void refuse(Request request, int error) throws IOException {
        if (request.type() == Nbd.CMD_WRITE) {
            if (request.payloadAbsurd(device)) {
                requests.release();
                throw new ProtocolException("write of " + request.length() + " bytes, over twice the largest request "
                        + device.maxRequest());
            }
            wire.skip(request.length());
        }
        LOG.fine(() -> label + ": refused " + request.describe() + " with error " + error + ".");
        replies.send(format.done(request.handle(), error), null, requests::release);
    }

    /** Hands a request to the device; false when the call held this thread until it was replaced as the reader. */
    private boolean accept(Request request, Plug plug) throws IOException, InterruptedException {
        int bytes = request.dataBytes();
        // A device whose largest request exceeds the whole budget still gets one request at a time.
        int permits = Math.min(bytes, MAX_PAYLOAD);
        plug.acquire(payload, permits);
        ByteBuffer data;
        try {
            data = request.movesData() ? plug.take(bytes) : null;
        } catch (InterruptedException e) {
            payload.release(permits);
            requests.release();
            throw e;
        }
        Runnable release = () -> {
            // The device is done with the buffer (its request completed) and so is the reply.
            buffers.give(data);
            payload.release(permits);
            requests.release();
        };
        // The device's stalled disk may still fill or read the buffer: it goes with the garbage.
        Runnable drop = () -> {
            buffers.forget(data);
            payload.release(permits);
            requests.release();
            export.leave();
        };
        if (request.type() == Nbd.CMD_WRITE) {
            if (wire.buffered() < bytes) {
                plug.release();
            }
            try {
                wire.readInto(data);
            } catch (IOException e) {
                release.run();
                throw e;
            }
            data.flip();
        }
        if (!export.enter()) {
            replies.send(format.done(request.handle(), Nbd.ESHUTDOWN), null, release);
            return true;
        }
        Runnable finished = () -> {
            release.run();
            export.leave();
        };
        // With the next request at hand, this one's frame may wait for it. Without, those held back
        // leave now, and this one's follows before this node's disk writes it: the secondary gets
        // the burst's last request without waiting for the page cache here.
        if (wire.buffered() >= Nbd.REQUEST_HEADER) {
            plug.hold();
        } else {
            plug.release();
        }
        CompletionStage<?> operation;
        long call = relay.enter();
        try {
            operation = start(request, data);
        } catch (RuntimeException e) {
            operation = CompletableFuture.failedFuture(e);
        }
        boolean reading = relay.leave(call);
        operation.whenComplete((result, failure) -> complete(request, data, result, failure,
                abandoned(failure) ? drop : finished));
        return reading;
    }

    private static boolean abandoned(Throwable failure) {
        return failure instanceof AbandonedRequestException
                || failure instanceof CompletionException && failure.getCause() instanceof AbandonedRequestException;
    }

    /** Calls the device; the stage's result is the reply to a block status, nothing for the other commands. */
    private CompletionStage<?> start(Request r, ByteBuffer data) {
        return switch (r.type()) {
            case Nbd.CMD_READ -> device.read(r.offset(), data);
            case Nbd.CMD_WRITE -> device.write(r.offset(), data, r.fua());
            case Nbd.CMD_FLUSH -> device.flush();
            // The device's trim has no FUA of its own; a flush after it gives the same promise.
            case Nbd.CMD_TRIM -> r.fua() ? device.trim(r.offset(), r.length()).thenCompose(v -> device.flush())
                    : device.trim(r.offset(), r.length());
            case Nbd.CMD_WRITE_ZEROES -> device.writeZeroes(r.offset(), r.length(), !r.noHole(), r.fua());
            case Nbd.CMD_BLOCK_STATUS -> device.allocation(r.offset(), r.length())
                    .thenApply(runs -> format.blockStatus(r.handle(), r.length(), runs, r.reqOne()));
            default -> throw new IllegalStateException("Request type " + r.type() + " passed the checks");
        };
    }

    /** @param result the reply to a block status, {@code null} for the other commands */
    private void complete(Request r, ByteBuffer data, Object result, Throwable failure, Runnable finished) {
        int error = 0;
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            error = cause instanceof IllegalArgumentException ? Nbd.EINVAL : Nbd.EIO;
            LOG.log(error == Nbd.EIO ? Level.WARNING : Level.FINE, () -> label + ": " + r.describe() + " failed: " + cause);
        } else if (r.type() == Nbd.CMD_READ && data.hasRemaining()) {
            error = Nbd.EIO;
            LOG.warning(() -> label + ": device returned " + data.position() + " of " + r.length() + " bytes for "
                    + r.describe() + ".");
        }
        if (error != 0) {
            replies.send(format.done(r.handle(), error), null, finished);
        } else if (r.type() == Nbd.CMD_READ) {
            replies.send(format.read(r.handle(), r.offset(), (int) r.length()), data.flip(), finished);
        } else if (r.type() == Nbd.CMD_BLOCK_STATUS) {
            replies.send((ByteBuffer) result, null, finished);
        } else {
            replies.send(format.done(r.handle(), 0), null, finished);
        }
    }
}
