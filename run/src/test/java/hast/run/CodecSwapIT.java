package hast.run;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import javax.inject.Inject;

import hast.api.Role;
import hast.api.control.HastNode;
import hast.api.control.ResourceInfo;
import hast.api.device.HastDevice;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Codec bundles stopped, started, updated and added inside the running framework of a primary
 * ("itnode", in the container) whose resource replicates to a secondary ("peer", a real hastd
 * process on loopback, which takes the third-party codec from its bundles folder), with writes in
 * flight the whole time; both copies equal at the end.
 */
@RunWith(PaxExam.class)
public class CodecSwapIT {
    private static final int BLOCK = 64 * 1024;
    private static final long MIB = 1 << 20;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        Path dir = Path.of(System.getProperty("hast.build.dir"), "it", "codecs");
        // A run starts from nothing: a bundle left in the peer's folder would be there from the start.
        if (Files.exists(dir)) {
            try (var old = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) old.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        for (String n : new String[] {"itnode", "peer"}) {
            Node.disk(dir.resolve(n + ".img"), 32 * MIB);
        }
        int itnode = Node.freePort();
        int peer = Node.freePort();
        Files.writeString(dir.resolve("hast.conf"), String.join("\n",
                "compression lzf",
                "checksum sha256",
                "timeout 5",
                "on itnode { control uds://" + dir.resolve("itnode.ctl") + " listen tcp4://127.0.0.1:" + itnode
                        + " export uds://" + dir.resolve("itnode.nbd") + " }",
                "on peer { control uds://" + dir.resolve("peer.ctl") + " listen tcp4://127.0.0.1:" + peer
                        + " export uds://" + dir.resolve("peer.nbd") + " }",
                "resource swap {",
                "  on itnode { local " + dir.resolve("itnode.img") + " remote tcp4://127.0.0.1:" + peer + " }",
                "  on peer { local " + dir.resolve("peer.img") + " remote tcp4://127.0.0.1:" + itnode + " }",
                "}", ""));
        return Container.options(dir);
    }

    @Test
    public void codecBundlesComeAndGoWhileWritesFlowAndNothingIsLost() throws Exception {
        Path dir = Path.of(context.getProperty("hast.it.dir"));
        Path conf = dir.resolve("hast.conf");
        Path peerBundles = Files.createDirectories(dir.resolve("peer-bundles"));
        Node peer = new Node("peer", dir, conf).env("HASTD_BUNDLES", peerBundles.toString());
        new Node("itnode", dir, conf).hastctl("create", "-c", conf.toString(), "swap").expect(0);
        peer.hastctl("create", "-c", conf.toString(), "swap").expect(0);
        ServiceRegistration<Object> launcher = null;
        Writer writer = null;
        try {
            peer.start();
            peer.hastctl("role", "-c", conf.toString(), "secondary", "swap").expect(0);
            launcher = Container.startDaemon(context, "-F", "-c", conf.toString());
            HastNode node = Container.await(context, HastNode.class, null);
            node.setRole("swap", Role.PRIMARY);
            HastDevice device = Container.await(context, HastDevice.class, "(" + HastDevice.NAME + "=swap)");
            await(node, "a complete pair", r -> "complete".equals(r.status()));
            writer = new Writer(device);
            writer.start();

            // lzf stopped: data goes uncompressed, with a count and a problem line; back, it resumes.
            Bundle lzf = bundle("hast.compress.lzf");
            lzf.stop();
            long beforeStop = writer.written();
            await(node, "frames sent uncompressed", r -> r.statistics().compressionFallbacks() > 0
                    && "compression lzf is not available on this node; data goes uncompressed".equals(r.problem()));
            Writer w = writer;
            await(node, "writes going on without lzf", r -> w.written() > beforeStop + 4);
            lzf.start();
            await(node, "lzf in use again", r -> r.problem() == null);
            // An update (the same jar reinstalled) is a stop and a start of its own.
            lzf.update();
            assertEquals(Bundle.ACTIVE, lzf.getState());
            long wire = info(node).statistics().wireBytes();
            long data = info(node).statistics().dataBytes();
            await(node, "lzf compressing after the update", r -> r.problem() == null
                    && r.statistics().dataBytes() - data > 8 * BLOCK
                    && r.statistics().wireBytes() - wire < (r.statistics().dataBytes() - data) / 2);

            // The checksum bundle stopped: nothing unverified leaves; replication pauses, writes go on locally.
            Bundle checksums = bundle("hast.checksum");
            checksums.stop();
            await(node, "replication paused", r -> "degraded".equals(r.status())
                    && "replication paused: checksum sha256 is not available on this node".equals(r.problem()));
            long beforePause = writer.written();
            await(node, "writes while paused", r -> w.written() > beforePause + 16);
            assertTrue("extents written while paused stay dirty", info(node).dirty() > 0);
            checksums.start();
            await(node, "replication resumed and caught up", r -> r.problem() == null && r.status().equals("complete"));

            // A third-party codec installed at run time is a valid name at once; it is used where both have it.
            Bundle deflate = context.installBundle(Container.extraBundle("hast.compress.deflate").toUri().toString());
            deflate.start();
            Files.writeString(conf, Files.readString(conf).replace("compression lzf", "compression deflate"));
            node.reload();
            assertEquals("deflate", info(node).compression());
            await(node, "deflate named, and the peer told to lack it", r ->
                    "compression deflate is not available on the peer; data goes uncompressed".equals(r.problem()));
            // Dropped into the secondary's bundles folder, it is installed there live and announced.
            Files.copy(Container.extraBundle("hast.compress.deflate"), peerBundles.resolve("deflate.jar"));
            long wireBefore = info(node).statistics().wireBytes();
            long dataBefore = info(node).statistics().dataBytes();
            await(node, "deflate in use on both nodes", r -> r.problem() == null
                    && r.statistics().dataBytes() - dataBefore > 8 * BLOCK
                    && r.statistics().wireBytes() - wireBefore < (r.statistics().dataBytes() - dataBefore) / 2);

            writer.finish();
            await(node, "a clean pair", r -> "complete".equals(r.status()) && r.dirty() == 0);
            assertNull("no write failed", writer.failure());
            node.setRole("swap", Role.INIT);
            peer.hastctl("role", "-c", conf.toString(), "init", "swap").expect(0);
            assertDataEqual(dir);
        } finally {
            if (writer != null) {
                writer.finish();
            }
            if (launcher != null) {
                launcher.unregister();
            }
            peer.close();
        }
    }

    /** Writes 64 KiB blocks of text round the device until told to finish; every write must succeed. */
    private static final class Writer extends Thread {
        private final HastDevice device;
        private final AtomicLong written = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean finishing;

        Writer(HastDevice device) {
            super("codec-swap writer");
            this.device = device;
        }

        @Override
        public void run() {
            long blocks = device.size() / BLOCK;
            while (!finishing) {
                long n = written.get();
                byte[] text = ("block " + n + " of a stream written while codecs come and go\n")
                        .repeat(BLOCK / 40).substring(0, BLOCK).getBytes(StandardCharsets.US_ASCII);
                try {
                    device.write((n % blocks) * BLOCK, ByteBuffer.wrap(text), false).toCompletableFuture().get();
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                    return;
                }
                written.incrementAndGet();
            }
        }

        long written() {
            return written.get();
        }

        Throwable failure() {
            return failure.get();
        }

        void finish() throws InterruptedException {
            finishing = true;
            join(Container.WAIT_MILLIS);
        }
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    private static ResourceInfo info(HastNode node) {
        return node.resource("swap").orElseThrow();
    }

    private static void await(HastNode node, String what, Predicate<ResourceInfo> condition) throws InterruptedException {
        AtomicReference<ResourceInfo> last = new AtomicReference<>();
        try {
            Node.awaitTrue(what, () -> {
                last.set(info(node));
                return condition.test(last.get());
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + last.get(), e);
        }
    }

    private static void assertDataEqual(Path dir) throws IOException {
        byte[] a = Files.readAllBytes(dir.resolve("itnode.img"));
        byte[] b = Files.readAllBytes(dir.resolve("peer.img"));
        int localoff = 8192;
        assertNotNull(a);
        assertTrue("the data areas of both providers must be equal", Arrays.equals(a, localoff, a.length, b, localoff, b.length));
    }
}
