package hast.engine.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import hast.engine.replication.ProtocolRange;
import hast.api.Role;
import hast.checksum.Crc32Checksum;
import hast.checksum.Sha256Checksum;
import hast.compress.lzf.LzfCompressor;
import hast.engine.codec.CodecChoice;
import hast.engine.codec.CodecSet;
import hast.engine.codec.Codecs;
import hast.engine.codec.PayloadCodec;
import hast.engine.metadata.Metadata;
import hast.engine.metadata.MetadataCodec;
import hast.engine.replication.Frame;
import hast.engine.replication.Greeting;
import hast.engine.replication.SyncDecision;
import hast.testkit.fuzz.InputConnection;
import hast.testkit.fuzz.SeedCorpus;

import org.junit.jupiter.api.Test;

/** Valid examples of every format the engine's fuzz targets read: where the fuzzer starts. */
class FuzzSeedsTest {
    private static final CodecSet CODECS = new CodecSet(Set.of("none", "hole", "lzf"), Set.of("none", "crc32", "sha256"));
    private static final Greeting.Hello HELLO = new Greeting.Hello("r0", 0x1234_5678_9abcL, 3, 2, 1 << 20, 64 << 10,
            1 << 20, CODECS, false);
    private static final Greeting.Welcome WELCOME = new Greeting.Welcome(SyncDecision.DIRTY_FROM_PRIMARY, false,
            0x1234_5678_9abcL, 2, 3, 1 << 20, 64 << 10, new byte[] {1, 0, (byte) 0x80, 0}, CODECS, false);

    @Test
    void replicationFrames() throws Exception {
        SeedCorpus frames = new SeedCorpus(Class.forName("hast.engine.replication.ReplicationFuzzTest"), "frames");
        ByteBuffer block = codec("lzf", "crc32").encode(text(8192), CODECS).payload();
        frames.seed("hello-then-writes", stream(0x05,
                Frame.request(Frame.Type.HELLO, 0, 0, 0, 0, HELLO.encode()),
                Frame.request(Frame.Type.WRITE, Frame.FLAG_ENCODED | Frame.FLAG_FUA, 1, 4096, 8192, block),
                Frame.request(Frame.Type.WRITE, 0, 2, 0, 512, ByteBuffer.wrap(new byte[512])),
                Frame.request(Frame.Type.FLUSH, 0, 3, 0, 0, null),
                Frame.request(Frame.Type.KEEPALIVE, 0, 0, 0, 0, null),
                Frame.request(Frame.Type.CODECS, 0, 0, 0, 0, CODECS.encode())));
        frames.seed("welcome-then-replies", stream(0x40,
                Frame.reply(Frame.Type.WELCOME, 0, 0, WELCOME.encode()),
                Frame.reply(Frame.Type.REPLY, 1, 0, null),
                Frame.reply(Frame.Type.RECEIVED, 2, 0, null),
                Frame.reply(Frame.Type.REPLY, Frame.FLAG_ENCODED, 3, 0, block),
                Frame.reply(Frame.Type.REPLY, 4, 5, null)));
        frames.seed("refuse", stream(0x3f, Frame.reply(Frame.Type.REFUSE, 1, 0,
                ByteBuffer.wrap("split-brain".getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void greetings() throws Exception {
        SeedCorpus greetings = new SeedCorpus(Class.forName("hast.engine.replication.ReplicationFuzzTest"), "greetings");
        greetings.seed("hello", prefixed(new byte[] {0}, HELLO.encode()));
        greetings.seed("welcome", prefixed(new byte[] {1}, WELCOME.encode()));
        greetings.seed("codecs", prefixed(new byte[] {2}, CODECS.encode()));
    }

    @Test
    void payloads() throws Exception {
        SeedCorpus payloads = new SeedCorpus(Class.forName("hast.engine.codec.PayloadCodecFuzzTest"), "decode");
        payloads.seed("lzf-crc32", payload(codec("lzf", "crc32"), text(8192)));
        payloads.seed("lzf-sha256", payload(codec("lzf", "sha256"), text(4096)));
        payloads.seed("hole-crc32", payload(codec("lzf", "crc32"), ByteBuffer.allocate(4096)));
        payloads.seed("none-sha256", payload(codec("none", "sha256"), text(512)));
    }

    @Test
    void configurations() throws Exception {
        SeedCorpus configs = new SeedCorpus(Class.forName("hast.engine.config.ConfigFuzzTest"), "parse");
        configs.seed("minimal", """
                resource r0 {
                	on alpha {
                		local /dev/sdb
                		remote 127.0.0.2
                	}
                	on beta {
                		local /dev/sdb
                		remote 127.0.0.1
                	}
                }
                """.getBytes(StandardCharsets.UTF_8));
        configs.seed("every-keyword", """
                # every keyword, at every level that takes it
                control uds:///var/run/hastctl
                pidfile /var/run/hastd.pid
                listen tcp4://0.0.0.0:8457
                replication memsync
                checksum crc32
                compression lzf
                timeout 20
                exec /usr/local/sbin/hast-hook
                metaflush on
                direct off
                user hast
                export uds:///run/hast/nbd.sock
                on alpha {
                	listen tcp://127.0.0.1:8457
                	pidfile /run/hastd-alpha.pid
                }
                resource data {
                	replication fullsync
                	checksum sha256
                	compression hole
                	timeout 5
                	name data-disk
                	local /var/lib/hast/data.img
                	metaflush off
                	on alpha {
                		local /var/lib/hast/alpha.img
                		remote tcp4://127.0.0.2:8458
                		source tcp4://127.0.0.1
                		export tcp://127.0.0.1:10810
                		direct on
                	}
                	on beta {
                		remote none
                	}
                }
                resource logs {
                	replication async
                	on alpha {
                		local /dev/sdc
                		remote tcp6://[::1]:8459
                	}
                }
                """.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void metadata() throws Exception {
        SeedCorpus blocks = new SeedCorpus(Class.forName("hast.engine.metadata.MetadataFuzzTest"), "decode");
        Metadata md = new Metadata("r0", 1L << 30, 2 << 20, 64, 4096 + 4096, 0x1234_5678_9abcL, 7, 5, Role.PRIMARY);
        blocks.seed("valid", prefixed(new byte[] {0}, MetadataCodec.encode(md)));
        blocks.seed("valid-fields-crc-fixed", prefixed(new byte[] {1}, MetadataCodec.encode(md)));
    }

    private static PayloadCodec codec(String compression, String checksum) {
        Codecs codecs = new Codecs();
        codecs.addCompressor("lzf", new LzfCompressor());
        codecs.addChecksum("crc32", new Crc32Checksum());
        codecs.addChecksum("sha256", new Sha256Checksum());
        return new PayloadCodec("seed", codecs, () -> new CodecChoice(compression, checksum));
    }

    /** The request's length in 3 bytes, then the payload as it goes on the wire. */
    private static byte[] payload(PayloadCodec codec, ByteBuffer data) throws Exception {
        int length = data.remaining();
        return prefixed(new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length},
                codec.encode(data, CODECS).payload());
    }

    private static ByteBuffer text(int size) {
        byte[] line = "every replicated block is checked before it is written\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = line[i % line.length];
        }
        return ByteBuffer.wrap(b);
    }

    /** A mode byte, then the frames as a peer writes them. */
    private static byte[] stream(int mode, Frame... frames) throws Exception {
        InputConnection peer = InputConnection.recording();
        for (Frame f : frames) {
            f.write(peer, ProtocolRange.SPOKEN.max());
        }
        return prefixed(new byte[] {(byte) mode}, ByteBuffer.wrap(peer.written()));
    }

    private static byte[] prefixed(byte[] prefix, ByteBuffer rest) {
        byte[] b = new byte[prefix.length + rest.remaining()];
        System.arraycopy(prefix, 0, b, 0, prefix.length);
        rest.duplicate().get(b, prefix.length, rest.remaining());
        return b;
    }
}
