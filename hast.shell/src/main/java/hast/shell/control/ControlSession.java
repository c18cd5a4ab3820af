package hast.shell.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.DaemonThreads;
import hast.api.Sysexits;
import hast.shell.ctl.Hastctl;

/**
 * One command line from one client, run here: what the command flushes on its way reaches the
 * client at once, as chunks, and the rest comes with the reply. The client hanging up (closing
 * its end) stops a command that runs until stopped.
 */
final class ControlSession {
    private static final Logger LOG = Logger.getLogger(ControlSession.class.getName());

    private final SocketChannel client;
    private final Watchdog watchdog;
    /** Chunks from standard output and standard error must not interleave within a frame. */
    private final Object wire = new Object();

    ControlSession(SocketChannel client, Watchdog watchdog) {
        this.client = client;
        this.watchdog = watchdog;
    }

    /** Runs {@code args} and answers with the reply; the connection stays open for the caller to close. */
    void run(Hastctl hastctl, List<String> args) throws IOException {
        Chunks out = new Chunks(ControlProtocol.Stream.OUT);
        Chunks err = new Chunks(ControlProtocol.Stream.ERR);
        ControlProtocol.Reply reply;
        try {
            int status = hastctl.run(args, new PrintStream(out, false, StandardCharsets.UTF_8),
                    new PrintStream(err, false, StandardCharsets.UTF_8), this::onHangup);
            reply = new ControlProtocol.Reply(status, out.rest(), err.rest());
        } catch (RuntimeException e) {
            // A bug behind the command: the client hears of it instead of seeing the connection drop.
            LOG.log(Level.SEVERE, "hastctl " + String.join(" ", args) + " failed", e);
            reply = failure(Sysexits.EX_SOFTWARE, "hastd: internal error running the command: " + e);
        }
        answer(reply);
    }

    /** Sends the reply, within the timeout. */
    void answer(ControlProtocol.Reply reply) throws IOException {
        synchronized (wire) {
            watchdog.within(client, () -> {
                ControlProtocol.writeReply(client, reply);
                return null;
            });
        }
    }

    static ControlProtocol.Reply failure(int status, String message) {
        return new ControlProtocol.Reply(status, new byte[0], (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The client sends nothing after its request: reading its end returns once it has closed it
     * (or sends more, which no client does), and {@code stop} runs then.
     */
    private void onHangup(Runnable stop) {
        DaemonThreads.start("hastctl-hangup", () -> {
            try {
                client.read(ByteBuffer.allocate(1));
            } catch (IOException closed) {
                // The connection ended either way.
            }
            stop.run();
        });
    }

    /** One of the command's outputs: gathered, and sent as a chunk whenever the command flushes it. */
    private final class Chunks extends OutputStream {
        private final ControlProtocol.Stream stream;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Chunks(ControlProtocol.Stream stream) {
            this.stream = stream;
        }

        @Override
        public synchronized void write(int b) {
            pending.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            if (pending.size() == 0) {
                return;
            }
            byte[] bytes = rest();
            synchronized (wire) {
                watchdog.within(client, () -> {
                    ControlProtocol.writeChunk(client, stream, bytes);
                    return null;
                });
            }
        }

        /** What was written and not sent yet, taken. */
        synchronized byte[] rest() {
            byte[] bytes = pending.toByteArray();
            pending.reset();
            return bytes;
        }
    }
}
