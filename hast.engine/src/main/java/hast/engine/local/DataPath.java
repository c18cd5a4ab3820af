package hast.engine.local;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * How a provider moves its bytes: positional reads and writes, durable writes of a small range,
 * and flushes. Two implementations make the same calls, {@link JdkDataPath} through
 * {@link java.nio.channels.FileChannel} and {@link NativeDataPath} through JNR-FFI, so that the
 * choice between them is a measurement, not a belief (see {@link Calls}).
 */
interface DataPath extends Closeable {

    /** Which implementation a provider uses. */
    enum Calls {
        /**
         * The default. Measured on 4 KiB and 1 MiB random I/O to a page-cached file (JDK 17, 2
         * cores): pread and pwrite cost the same through FileChannel as through JNR (2.3 us per
         * 4 KiB read, 50 us per 1 MiB read, writes within the run-to-run noise), and so does
         * fdatasync; the JDK also copies heap buffers through its own cached direct buffers.
         * Through a whole fullsync primary (run/bench/disk-bench.sh, fio on the attached device)
         * the two differ less than two runs of either one do.
         */
        JDK,
        /** pread, pwrite and fdatasync through JNR-FFI: kept to measure against (-Dhast.local.io=native). */
        NATIVE;

        /** System property naming the implementation for every provider of the process. */
        static final String PROPERTY = "hast.local.io";

        /** The implementation the system property names, {@link #JDK} when it names none. */
        static Calls configured() {
            String value = System.getProperty(PROPERTY, "jdk");
            return switch (value) {
                case "jdk" -> JDK;
                case "native" -> NATIVE;
                default -> throw new IllegalArgumentException(PROPERTY + "=" + value + " (expected jdk or native)");
            };
        }

        DataPath open(String path, boolean readOnly, boolean direct) throws IOException {
            return this == JDK ? JdkDataPath.open(path, readOnly, direct) : NativeDataPath.open(path, readOnly, direct);
        }
    }

    /** Fills {@code dst} from {@code offset}; a provider that ends first is an {@link java.io.EOFException}. */
    void read(ByteBuffer dst, long offset) throws IOException;

    /** Writes all of {@code src} at {@code offset}. */
    void write(ByteBuffer src, long offset) throws IOException;

    /** Writes all of {@code src} at {@code offset} through an O_DSYNC descriptor. */
    void writeDurably(ByteBuffer src, long offset) throws IOException;

    /** fdatasync. */
    void flush() throws IOException;
}
