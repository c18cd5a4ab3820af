package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.code_intelligence.jazzer.junit.FuzzTest;

import hast.testkit.fuzz.AllocationBudget;
import hast.testkit.fuzz.InputConnection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * What an NBD client sends, from the first byte to the close: the newstyle negotiation, then
 * requests with their payloads, read by the real {@link Handshake} and {@link Transmission}
 * against a device in memory. Breaking the protocol may only end the connection (a
 * {@link java.net.ProtocolException} or the end of the stream); any other exception is a finding,
 * and so is a request left unanswered when the client is gone.
 *
 * <p>The connection runs on the fuzzer's thread, as the reader thread of {@link NbdConnection}
 * does, and its reply writer's loop runs on the same thread once the reading is over: a server
 * starts that loop on a thread of its own, and two threads handing over each input cost the
 * fuzzer most of its time (510 inputs a second, against some 10 thousand so). Nothing waits for
 * the writer meanwhile: the device completes every request in its call, and the replies, of at
 * most {@link #MAX_REQUEST} bytes, go straight onto a connection that takes them whole.
 */
@Timeout(10)
class NbdFuzzTest {
    /** A small device with small requests, so that an input can reach its end and its limits. */
    private static final int SIZE = 64 * 1024;
    private static final int MAX_REQUEST = 4096;
    /** The reader's buffer and the handshake's messages. */
    private static final long FIXED = 1 << 20;
    /** Each 28-byte request may take a buffer of the largest request, and its reply another. */
    private static final long PER_BYTE = 2 * MAX_REQUEST / Nbd.REQUEST_HEADER + 8;

    /**
     * The timer of the connections' reading relays, which is never started: the memory device never
     * holds a reader, and a watch could only take a reader that a loaded machine left unscheduled
     * for a while for one that the device holds.
     */
    private static final ScheduledExecutorService RELAY = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fuzz nbd-relay");
        t.setDaemon(true);
        return t;
    });
    /** One export for every input, as a server keeps its exports while clients come and go. */
    private static final MemoryDevice DEVICE = new MemoryDevice(SIZE, MAX_REQUEST);
    private static final Export EXPORT = new Export("mem", "fuzzed", DEVICE);
    private static final Handshake.Catalog CATALOG = catalog(EXPORT);
    /**
     * The server's log: writing the warnings about every malformed input to the console would
     * slow the fuzzer down to a few hundred inputs a second. Held here, since the log manager
     * holds loggers weakly.
     */
    private static final Logger SERVER_LOG = Logger.getLogger(NbdConnection.class.getPackageName());
    /** The level before this class, given back after it: other tests of the module read the warnings. */
    private static Level before;

    @BeforeAll
    static void quiet() {
        before = SERVER_LOG.getLevel();
        SERVER_LOG.setLevel(Level.SEVERE);
    }

    @AfterAll
    static void loud() {
        SERVER_LOG.setLevel(before);
    }

    /** Byte 0 chooses the size of each read; the rest is what the client sends. */
    @FuzzTest
    void connection(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] sent = Arrays.copyOfRange(input, 1, input.length);
        int chunk = 1 + Byte.toUnsignedInt(input[0]) * 61;
        AllocationBudget.check("NBD connection", input, FIXED, PER_BYTE, () -> serve(new InputConnection(sent, chunk)));
        DEVICE.forget();
        assertEquals(0, EXPORT.requestsInFlight(), "requests left unanswered after the client left");
    }

    /** The life of {@link NbdConnection}'s reader, then of its writer, on this thread. */
    private static void serve(InputConnection client) {
        // Only named and closed here: admission and the end of a connection are the server's part.
        NbdConnection owner = new NbdConnection(client, CATALOG, null, null, c -> {
        }, RELAY);
        ReadingRelay relay = new ReadingRelay(RELAY, () -> {
        });
        ReplyWriter replies = null;
        try {
            Handshake handshake = new Handshake(new Wire(client), CATALOG, owner, null);
            Export chosen = handshake.negotiate();
            if (chosen != null) {
                replies = new ReplyWriter(client, owner);
                new Transmission(handshake.wire(), chosen, replies, handshake.replies(), owner.label(), relay).serve();
            }
        } catch (IOException expected) {
            // The client broke the protocol or left: the connection ends, nothing else.
        } catch (InterruptedException e) {
            throw new AssertionError("nothing interrupts the fuzzer's thread", e);
        } finally {
            owner.close();
            if (replies != null) {
                replies.close();
                replies.run();
            }
        }
    }

    /** One export, also found by the empty name, as a server with a single export does. */
    private static Handshake.Catalog catalog(Export export) {
        return new Handshake.Catalog() {
            @Override
            public Export find(String name) {
                return name.isEmpty() || name.equals(export.name()) ? export : null;
            }

            @Override
            public Collection<Export> all() {
                return List.of(export);
            }
        };
    }
}
