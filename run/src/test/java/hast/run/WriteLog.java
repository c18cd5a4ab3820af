package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/**
 * The client's side of a fault scenario: every write it attempted through an NBD export, with
 * fresh data, its sequence number and checksum, and whether the server acknowledged it. That is
 * the only truth a client has; after a failover it reads everything back and holds the pair to it.
 *
 * <p>qemu-io writes each one. By default it flushes before it exits, so its exit status 0 means
 * the write and a flush after it completed; {@code -t unsafe} leaves the flush out, so 0 then
 * means only that the write itself was acknowledged.
 */
final class WriteLog {
    /** One attempted write; {@code flushed} when a completed flush followed it. */
    record Write(int seq, long offset, int length, long crc, boolean acknowledged, boolean flushed) {
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
    private final Random random = new Random();

    WriteLog(LabPair pair, Path dir) {
        this.pair = pair;
        this.dir = dir;
    }

    /** Writes fresh data at {@code offset} through {@code via}'s export; true if acknowledged. */
    boolean write(Node via, long offset, int length, boolean flush) throws IOException, InterruptedException {
        int seq = writes.size() + 1;
        byte[] data = new byte[length];
        random.nextBytes(data);
        CRC32 crc = new CRC32();
        crc.update(data);
        Path block = Files.write(dir.resolve("write-" + seq + ".bin"), data);
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        if (!flush) {
            cmd.addAll(List.of("-t", "unsafe"));
        }
        cmd.addAll(List.of("-c", "write -s " + block + " " + offset + " " + length));
        if (flush) {
            cmd.addAll(List.of("-c", "flush"));
        }
        cmd.add(pair.url(via));
        Node.Result r = pair.client(cmd);
        // qemu-io reports a failed command on standard error, also where its exit status does not.
        boolean acknowledged = r.exit() == 0 && !r.out().contains("error") && !r.err().contains("error");
        writes.add(new Write(seq, offset, length, crc.getValue(), acknowledged, acknowledged && flush));
        Files.delete(block);
        return acknowledged;
    }

    /** Writes and fails the test unless the write is acknowledged. */
    void mustWrite(Node via, long offset, int length, boolean flush) throws IOException, InterruptedException {
        assertTrue(write(via, offset, length, flush), "write at " + offset + " through " + via.name
                + " not acknowledged");
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
                if (!w.acknowledged() || !which.test(w) || replaced(i)) {
                    continue;
                }
                byte[] data = new byte[w.length()];
                f.seek(w.offset());
                f.readFully(data);
                CRC32 crc = new CRC32();
                crc.update(data);
                checked++;
                if (crc.getValue() != w.crc()) {
                    lost.add(w);
                }
            }
        }
        Files.delete(copy);
        assertTrue(checked > 0, "no acknowledged write to check");
        assertEquals(List.of(), lost, checked + " acknowledged writes read back through " + via.name
                + "; these are lost");
    }

    private boolean replaced(int index) {
        Write w = writes.get(index);
        return writes.subList(index + 1, writes.size()).stream().anyMatch(w::overlaps);
    }
}
