package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/**
 * The client's side of a fault scenario: every write it attempted through an NBD export, with
 * fresh data, its sequence number and checksum, whether the server acknowledged it and whether a
 * FLUSH acknowledged afterwards on the same connection covered it. That is the only truth a client
 * has; after a failover it reads everything back and holds the pair to it.
 */
final class WriteLog implements AutoCloseable {
    /** One attempted write. */
    static final class Write {
        final int seq;
        final long offset;
        final int length;
        final long crc;
        final boolean acknowledged;
        private final Node via;
        private boolean flushed;

        Write(int seq, Node via, long offset, int length, long crc, boolean acknowledged) {
            this.seq = seq;
            this.via = via;
            this.offset = offset;
            this.length = length;
            this.crc = crc;
            this.acknowledged = acknowledged;
        }

        boolean acknowledged() {
            return acknowledged;
        }

        boolean flushed() {
            return flushed;
        }

        boolean overlaps(Write w) {
            return offset < w.offset + w.length && w.offset < offset + length;
        }

        @Override
        public String toString() {
            return "write #" + seq + " at " + offset + " (extent " + offset / LabPair.MIB + "), " + length + " bytes"
                    + (flushed ? ", flushed" : acknowledged ? ", acknowledged" : ", not acknowledged");
        }
    }

    private final LabPair pair;
    private final Path dir;
    private final List<Write> writes = new ArrayList<>();
    private final Map<Node, NbdSession> sessions = new HashMap<>();
    private final Random random = new Random();

    WriteLog(LabPair pair, Path dir) {
        this.pair = pair;
        this.dir = dir;
    }

    /** Writes fresh data at {@code offset} through {@code via}'s export; true if acknowledged. */
    boolean write(Node via, long offset, int length) throws IOException {
        byte[] data = new byte[length];
        random.nextBytes(data);
        CRC32 crc = new CRC32();
        crc.update(data);
        int error;
        try {
            error = session(via).write(offset, data);
        } catch (IOException e) {
            lost(via);
            error = -1;
        }
        writes.add(new Write(writes.size() + 1, via, offset, length, crc.getValue(), error == 0));
        return error == 0;
    }

    /**
     * Sends a FLUSH through {@code via}'s connection; when it succeeds, every write acknowledged on
     * that connection before it is durable as far as the client is concerned.
     */
    boolean flush(Node via) throws IOException {
        int error;
        try {
            error = session(via).flush();
        } catch (IOException e) {
            lost(via);
            error = -1;
        }
        if (error == 0) {
            writes.stream().filter(w -> w.via == via && w.acknowledged).forEach(w -> w.flushed = true);
        }
        return error == 0;
    }

    /** Writes and fails the test unless the write is acknowledged. */
    void mustWrite(Node via, long offset, int length) throws IOException {
        assertTrue(write(via, offset, length), "write at " + offset + " through " + via.name + " not acknowledged");
    }

    void mustFlush(Node via) throws IOException {
        assertTrue(flush(via), "FLUSH through " + via.name + " failed");
    }

    private NbdSession session(Node via) throws IOException {
        NbdSession s = sessions.get(via);
        if (s == null) {
            s = new NbdSession(pair.export(via), "r0");
            sessions.put(via, s);
        }
        return s;
    }

    /** A connection that broke (its server died) is dropped; the next write opens a new one. */
    private void lost(Node via) throws IOException {
        NbdSession s = sessions.remove(via);
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() throws IOException {
        for (NbdSession s : sessions.values()) {
            s.close();
        }
        sessions.clear();
    }

    /**
     * Reads the whole device through {@code via}'s export and checks that every acknowledged write
     * {@code which} selects is there, unless a later write over the same bytes replaced it.
     */
    void assertPresent(Node via, Predicate<Write> which) throws IOException, InterruptedException {
        Path copy = dir.resolve("readback-" + via.name + ".bin");
        Files.deleteIfExists(copy);
        pair.client(List.of("nbdcopy", pair.url(via), copy.toString())).expect(0);
        List<Write> lost = new ArrayList<>();
        int checked = 0;
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "r")) {
            for (int i = 0; i < writes.size(); i++) {
                Write w = writes.get(i);
                if (!w.acknowledged || !which.test(w) || replaced(i)) {
                    continue;
                }
                byte[] data = new byte[w.length];
                f.seek(w.offset);
                f.readFully(data);
                CRC32 crc = new CRC32();
                crc.update(data);
                checked++;
                if (crc.getValue() != w.crc) {
                    lost.add(w);
                }
            }
        }
        Files.delete(copy);
        pair.phase(checked + " writes read back through " + via.name);
        assertTrue(checked > 0, "no acknowledged write to check");
        assertEquals(List.of(), lost, checked + " acknowledged writes read back through " + via.name
                + "; these are lost");
    }

    private boolean replaced(int index) {
        Write w = writes.get(index);
        return writes.subList(index + 1, writes.size()).stream().anyMatch(w::overlaps);
    }
}
