package hast.geom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * What an NBD client sends, from the first byte to the close: the newstyle negotiation, then
 * requests with their payloads, served by the real connection against a device in memory. A
 * client that breaks the protocol loses its connection with a warning; an unexpected exception
 * (logged as SEVERE by the connection, which survives it) is a finding.
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
     * The server's log: only SEVERE records matter here, and writing the warnings about every
     * malformed input to the console would slow the fuzzer down to a few hundred inputs a second.
     * Held here, since the log manager holds loggers weakly.
     */
    /** Watches the fuzzed connections' readers, as a server's timer does. */
    private static final ScheduledExecutorService RELAY = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fuzz nbd-relay");
        t.setDaemon(true);
        return t;
    });
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

    private final List<LogRecord> failures = new ArrayList<>();
    private final Handler severe = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                synchronized (failures) {
                    failures.add(r);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Byte 0 chooses the size of each read; the rest is what the client sends. */
    @FuzzTest
    void connection(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] sent = Arrays.copyOfRange(input, 1, input.length);
        int chunk = 1 + Byte.toUnsignedInt(input[0]) * 61;
        SERVER_LOG.addHandler(severe);
        try {
            AllocationBudget.check("NBD connection", input, FIXED, PER_BYTE, () -> {
                Export export = new Export("mem", "fuzzed", new MemoryDevice(SIZE, MAX_REQUEST));
                InputConnection client = new InputConnection(sent, chunk);
                new NbdConnection(client, catalog(export), null, Passes.admit(client), c -> {
                }, RELAY).run();
            });
        } finally {
            SERVER_LOG.removeHandler(severe);
        }
        synchronized (failures) {
            assertEquals(List.of(), failures.stream().map(r -> r.getMessage() + ": " + r.getThrown()).toList(),
                    "the connection failed unexpectedly");
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
