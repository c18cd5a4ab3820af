package hast.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;

import hast.api.HastAddress;
import hast.api.codec.Checksum;
import hast.api.codec.Compressor;
import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;
import hast.api.replication.ReplicationMode;
import hast.api.replication.WriteProgress;
import hast.api.storage.LocalProvider;
import hast.api.transport.Connection;
import hast.api.transport.ForwardingConnection;
import hast.api.transport.Listener;
import hast.api.transport.Transport;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Each suite run against plug-ins with one defect each: the suite must fail exactly the tests
 * that concern that defect, and pass a correct plug-in, or it proves nothing for plug-in authors.
 */
class ContractsCatchBrokenPluginsTest {

    /** The names of the tests of {@code suite} that failed. */
    private static Set<String> failures(Class<?> suite) {
        Set<String> failed = new TreeSet<>();
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite)).execute().testEvents().failed().stream()
                .map(Event::getTestDescriptor).forEach(d -> failed.add(d.getLegacyReportingName().replaceAll("\\(.*", "")));
        return failed;
    }

    // Checksums.

    /** CRC32 done right, the reference the broken ones start from. */
    static class Crc implements Checksum {
        @Override
        public int length() {
            return 4;
        }

        @Override
        public byte[] digest(ByteBuffer data) {
            CRC32 crc = new CRC32();
            crc.update(data.duplicate());
            return ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
        }
    }

    static class GoodChecksum extends ChecksumContract {
        @Override
        protected Checksum checksum() {
            return new Crc();
        }
    }

    /** Digests from the start of the buffer instead of its position. */
    static class ChecksumIgnoringThePosition extends ChecksumContract {
        @Override
        protected Checksum checksum() {
            return new Crc() {
                @Override
                public byte[] digest(ByteBuffer data) {
                    return super.digest(data.duplicate().position(0));
                }
            };
        }
    }

    /** Sees only the first byte. */
    static class ChecksumBlindToMostBytes extends ChecksumContract {
        @Override
        protected Checksum checksum() {
            return new Crc() {
                @Override
                public byte[] digest(ByteBuffer data) {
                    return super.digest(data.duplicate().limit(Math.min(data.limit(), data.position() + 1)));
                }
            };
        }
    }

    @Test
    void checksumSuite() {
        assertEquals(Set.of(), failures(GoodChecksum.class));
        assertEquals(Set.of("theDigestDependsOnlyOnTheRemainingBytes", "oneInstanceServesManyThreads"),
                failures(ChecksumIgnoringThePosition.class));
        assertEquals(Set.of("aFlippedBitChangesTheDigest"), failures(ChecksumBlindToMostBytes.class));
    }

    // Compressors.

    /** Run-length coding of one repeated byte only: tiny, and correct. */
    static class Repeats implements Compressor {
        @Override
        public ByteBuffer compress(ByteBuffer src) {
            ByteBuffer s = src.duplicate();
            if (s.remaining() < 16) {
                return null;
            }
            byte b = s.get(s.position());
            while (s.hasRemaining()) {
                if (s.get() != b) {
                    return null;
                }
            }
            return ByteBuffer.allocate(1).put(0, b);
        }

        @Override
        public ByteBuffer decompress(ByteBuffer src, int originalLength) throws IOException {
            if (src.remaining() != 1 || originalLength < 16) {
                throw new IOException("not a block of repeats of " + originalLength + " bytes");
            }
            ByteBuffer out = ByteBuffer.allocate(originalLength);
            while (out.hasRemaining()) {
                out.put(src.get(src.position()));
            }
            return out.flip();
        }
    }

    static class GoodCompressor extends CompressorContract {
        @Override
        protected Compressor compressor() {
            return new Repeats();
        }
    }

    /** Consumes its source. */
    static class CompressorMovingItsSource extends CompressorContract {
        @Override
        protected Compressor compressor() {
            return new Repeats() {
                @Override
                public ByteBuffer compress(ByteBuffer src) {
                    ByteBuffer z = super.compress(src);
                    src.position(src.limit());
                    return z;
                }
            };
        }
    }

    /** Lets a damaged block escape as an unchecked exception. */
    static class CompressorThrowingOnDamage extends CompressorContract {
        @Override
        protected Compressor compressor() {
            return new Repeats() {
                @Override
                public ByteBuffer decompress(ByteBuffer src, int originalLength) throws IOException {
                    if (src.remaining() != 1) {
                        throw new IllegalStateException("damaged");
                    }
                    return super.decompress(src, originalLength);
                }
            };
        }
    }

    @Test
    void compressorSuite() {
        assertEquals(Set.of(), failures(GoodCompressor.class));
        assertEquals(Set.of("compressibleDataRoundTripsFromEveryBufferShape", "zerosAndRandomDataRoundTripOrAreDeclined",
                "oneInstanceServesManyThreads"),
                failures(CompressorMovingItsSource.class));
        assertEquals(Set.of("damagedBlocksAreIOExceptionsAndNeverHang"), failures(CompressorThrowingOnDamage.class));
    }

    // Replication modes.

    static class GoodMode extends ReplicationModeContract {
        @Override
        protected ReplicationMode mode() {
            return p -> p.localDone() && p.remoteDone();
        }
    }

    /** Acknowledges at once. */
    static class ModeAcknowledgingEverything extends ReplicationModeContract {
        @Override
        protected ReplicationMode mode() {
            return p -> true;
        }
    }

    /** Waits for a successful remote write, so a write whose remote failed never completes. */
    static class ModeWaitingForRemoteSuccess extends ReplicationModeContract {
        @Override
        protected ReplicationMode mode() {
            return WriteProgress::remoteOk;
        }
    }

    /** Waits for the receipt without asking for one. */
    static class ModeNotAskingForItsReceipt extends ReplicationModeContract {
        @Override
        protected ReplicationMode mode() {
            return p -> p.localDone() && (p.remoteReceived() || p.remoteDone());
        }
    }

    @Test
    void replicationModeSuite() {
        assertEquals(Set.of(), failures(GoodMode.class));
        assertEquals(Set.of("nothingIsAcknowledgedBeforeAnyComponentHoldsTheWrite"),
                failures(ModeAcknowledgingEverything.class));
        assertEquals(Set.of("everyWriteIsAcknowledgedOnceBothComponentsHaveFinished"),
                failures(ModeWaitingForRemoteSuccess.class));
        assertEquals(Set.of("aModeThatWaitsForTheReceiptAsksForIt"), failures(ModeNotAskingForItsReceipt.class));
    }

    // Local providers.

    /** A provider in memory, as small as a correct one can be. */
    static class Memory implements LocalProvider {
        final ByteBuffer bytes;

        Memory(long size) {
            bytes = ByteBuffer.allocate((int) size);
        }

        @Override
        public String path() {
            return "memory";
        }

        @Override
        public long size() {
            return bytes.capacity();
        }

        @Override
        public int sectorSize() {
            return 512;
        }

        @Override
        public synchronized void read(ByteBuffer dst, long offset) throws IOException {
            if (offset + dst.remaining() > bytes.capacity()) {
                throw new EOFException("past the end");
            }
            dst.put(bytes.duplicate().position((int) offset).limit((int) offset + dst.remaining()));
        }

        @Override
        public synchronized void write(ByteBuffer src, long offset) {
            bytes.duplicate().position((int) offset).put(src);
        }

        @Override
        public void flush() {
        }

        @Override
        public synchronized void delete(long offset, long length) {
            bytes.duplicate().position((int) offset).put(new byte[(int) length]);
        }

        @Override
        public void close() {
        }
    }

    /** One memory per name, kept across close and open as a disk is. */
    abstract static class MemoryContract extends LocalProviderContract {
        private final java.util.Map<String, Memory> disks = new java.util.HashMap<>();

        Memory make(long size) {
            return new Memory(size);
        }

        @Override
        protected LocalProvider open(String name, long size) {
            return disks.computeIfAbsent(name, n -> make(size));
        }
    }

    static class GoodProvider extends MemoryContract {
    }

    /** Releases nothing on delete. */
    static class ProviderIgnoringDeletes extends MemoryContract {
        @Override
        Memory make(long size) {
            return new Memory(size) {
                @Override
                public void delete(long offset, long length) {
                }
            };
        }
    }

    /** Reads zeros past its end instead of failing. */
    static class ProviderReadingPastItsEnd extends MemoryContract {
        @Override
        Memory make(long size) {
            return new Memory(size) {
                @Override
                public synchronized void read(ByteBuffer dst, long offset) throws IOException {
                    if (offset + dst.remaining() > bytes.capacity()) {
                        dst.put(new byte[dst.remaining()]);
                        return;
                    }
                    super.read(dst, offset);
                }
            };
        }
    }

    @Test
    void localProviderSuite() {
        assertEquals(Set.of(), failures(GoodProvider.class));
        assertEquals(Set.of("aDeletedRangeReadsAsZeros"), failures(ProviderIgnoringDeletes.class));
        assertEquals(Set.of("readingPastTheEndIsAnEof"), failures(ProviderReadingPastItsEnd.class));
    }

    // Event listeners.

    /** Keeps what it is given. */
    abstract static class Recording extends EventListenerContract {
        final List<HastEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        protected void delivered(HastEventListener listener, List<HastEvent> events) {
            assertEquals(events, seen);
        }
    }

    static class GoodListener extends Recording {
        @Override
        protected HastEventListener listener() {
            return seen::add;
        }
    }

    /** Fails on an event type it did not expect. */
    static class ListenerThrowingOnSplitBrain extends Recording {
        @Override
        protected HastEventListener listener() {
            return e -> {
                if (e.type().equals(HastEvent.SPLIT_BRAIN)) {
                    throw new IllegalArgumentException("unknown event " + e.type());
                }
                seen.add(e);
            };
        }
    }

    @Test
    void eventListenerSuite() {
        assertEquals(Set.of(), failures(GoodListener.class));
        assertEquals(Set.of("takesEveryEventTheEngineRaises"), failures(ListenerThrowingOnSplitBrain.class));
    }

    // Transports.

    /** TCP on the JDK's socket channels, as small as a correct transport can be. */
    static class Tcp implements Transport {
        @Override
        public Listener listen(HastAddress address) throws IOException {
            ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(address.host(), address.port()));
            HastAddress bound = address.withPort(((InetSocketAddress) server.getLocalAddress()).getPort());
            return new Listener() {
                @Override
                public HastAddress address() {
                    return bound;
                }

                @Override
                public Connection accept() throws IOException {
                    return connection(server.accept());
                }

                @Override
                public void close() throws IOException {
                    server.close();
                }
            };
        }

        @Override
        public Connection connect(HastAddress remote, HastAddress source, Duration timeout) throws IOException {
            return connection(SocketChannel.open(new InetSocketAddress(remote.host(), remote.port())));
        }

        Connection connection(SocketChannel channel) {
            return new Connection() {
                @Override
                public String peer() {
                    return channel.socket().getRemoteSocketAddress().toString();
                }

                @Override
                public InetAddress peerAddress() {
                    return channel.socket().getInetAddress();
                }

                @Override
                public void setReadTimeout(Duration timeout) throws IOException {
                    channel.socket().setSoTimeout((int) timeout.toMillis());
                }

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    // A socket channel ignores SO_TIMEOUT; its stream applies it.
                    byte[] b = new byte[dst.remaining()];
                    int n = channel.socket().getInputStream().read(b);
                    if (n > 0) {
                        dst.put(b, 0, n);
                    }
                    return n;
                }

                @Override
                public int write(ByteBuffer src) throws IOException {
                    return channel.write(src);
                }

                @Override
                public boolean isOpen() {
                    return channel.isOpen();
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        }
    }

    abstract static class TcpContract extends TransportContract {
        @Override
        protected Duration limit() {
            return Duration.ofSeconds(10);
        }

        @Override
        protected HastAddress listenAddress() {
            return HastAddress.parse("tcp://127.0.0.1:0");
        }
    }

    static class GoodTransport extends TcpContract {
        @Override
        protected Transport transport() {
            return new Tcp();
        }
    }

    /** Reads nothing, forever, once the peer has gone, instead of reporting the end. */
    static class TransportLosingTheEnd extends TcpContract {
        @Override
        protected Transport transport() {
            return new Tcp() {
                @Override
                Connection connection(SocketChannel channel) {
                    return new ForwardingConnection(super.connection(channel)) {
                        @Override
                        public int read(ByteBuffer dst) throws IOException {
                            return Math.max(0, c.read(dst));
                        }
                    };
                }
            };
        }
    }

    @Test
    void transportSuite() {
        assertEquals(Set.of(), failures(GoodTransport.class));
        assertEquals(Set.of("bytesArriveWholeInOrderAndTheEndIsAnEof"), failures(TransportLosingTheEnd.class));
    }
}
