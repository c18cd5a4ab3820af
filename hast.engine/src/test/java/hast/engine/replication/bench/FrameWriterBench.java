package hast.engine.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import hast.api.HastAddress;
import hast.api.transport.Connection;
import hast.api.transport.Listener;
import hast.engine.transport.TcpTransport;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What a primary's sender pays to put one WRITE frame on the link: {@link FrameWriter#send} over a
 * loopback TCP connection whose other end a thread drains as fast as it can (a secondary that
 * keeps up), with the payload in a direct buffer as the NBD export's pool gives it. In the bench
 * folder, which only the jmh profile compiles:
 * {@code mvn -o -q -Pjmh -pl hast.engine -am test-compile -Dhast.target=target-bench}, then JMH's
 * main on the test classpath with {@code FrameWriterBench}.
 *
 * <p>{@code oneSender} is a client at queue depth 1; {@code eightSenders} eight requests in
 * flight, whose frames share the writes of whichever sender holds the connection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FrameWriterBench {
    @Param({"4096", "262144", "1048576"})
    public int size;

    private Listener listener;
    private Connection primary;
    private Connection secondary;
    private Thread drain;
    private FrameWriter writer;

    @Setup
    public void setUp() throws IOException {
        TcpTransport tcp = new TcpTransport();
        listener = tcp.listen(HastAddress.parse("127.0.0.1:0"));
        primary = tcp.connect(listener.address(), null, Duration.ofSeconds(5));
        secondary = listener.accept();
        writer = new FrameWriter(primary, ProtocolRange.SPOKEN.max());
        drain = new Thread(() -> {
            ByteBuffer sink = ByteBuffer.allocateDirect(4 << 20);
            try {
                while (secondary.read(sink.clear()) >= 0) {
                    // Discarded: only the sender's cost is measured.
                }
            } catch (IOException e) {
                // Closed at the tear-down.
            }
        }, "drain");
        drain.start();
    }

    @TearDown
    public void tearDown() throws Exception {
        primary.close();
        secondary.close();
        listener.close();
        drain.join();
    }

    /** Each sending thread's own payload, as each request has its own buffer. */
    @State(Scope.Thread)
    public static class Payload {
        ByteBuffer data;

        @Setup
        public void setUp(FrameWriterBench bench) {
            data = ByteBuffer.allocateDirect(bench.size);
            while (data.hasRemaining()) {
                data.put((byte) data.position());
            }
            data.flip();
        }
    }

    private Object send(Payload p) throws IOException {
        Frame f = Frame.request(Frame.Type.WRITE, 0, 1, 0, size, p.data.duplicate());
        writer.send(f);
        return f;
    }

    @Benchmark
    public Object oneSender(Payload p) throws IOException {
        return send(p);
    }

    @Benchmark
    @Threads(8)
    public Object eightSenders(Payload p) throws IOException {
        return send(p);
    }
}
