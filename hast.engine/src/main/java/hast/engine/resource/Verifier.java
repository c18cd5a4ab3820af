package hast.engine.resource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.logging.Logger;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.control.Verification;
import hast.api.control.VerifyProgress;
import hast.api.storage.LocalProvider;
import hast.engine.codec.PayloadCodec;
import hast.engine.replication.Frame;
import hast.engine.replication.RemoteLink;

/**
 * Compares the primary's copy with the secondary's while clients go on ({@code hastctl verify}).
 * Each extent is held in the {@link SyncFence} while it is compared, as a synchronisation holds
 * it: writes in flight in it finish first (on both nodes) and new ones wait, so a write cannot
 * make a difference that is not there. Both sides digest the extent chunk by chunk, the
 * secondary's digests asked for before the primary reads its own. An extent that differs is
 * marked dirty at once, and a synchronisation pass copies it afterwards.
 */
final class Verifier {
    private static final Logger LOG = Logger.getLogger(Verifier.class.getName());
    private static final int CHUNK = PrimaryDevice.MAX_REQUEST;

    private final String resource;
    private final LocalProvider provider;
    private final long localoff;
    private final long datasize;
    private final long extentsize;
    private final DirtyExtents dirty;
    private final SyncFence fence;
    private final RemoteLink link;
    private final PayloadCodec codec;
    private final Supplier<String> checksum;
    private final Runnable resync;
    /**
     * Where this node's chunks are read; one verification at a time uses it. Made by the first
     * verification: most resources are never verified, and a direct buffer is zeroed, so resident,
     * from the start.
     */
    private ByteBuffer chunk;

    /**
     * @param checksum the resource's configured checksum, as reloads change it
     * @param resync   starts a synchronisation pass
     */
    Verifier(String resource, LocalProvider provider, long localoff, long datasize, long extentsize,
            DirtyExtents dirty, SyncFence fence, RemoteLink link, PayloadCodec codec, Supplier<String> checksum,
            Runnable resync) {
        this.resource = resource;
        this.provider = provider;
        this.localoff = localoff;
        this.datasize = datasize;
        this.extentsize = extentsize;
        this.dirty = dirty;
        this.fence = fence;
        this.link = link;
        this.codec = codec;
        this.checksum = checksum;
        this.resync = resync;
    }

    /** One verification at a time per resource: the chunk buffer is shared. */
    synchronized Verification run(VerifyProgress progress) throws HastException {
        long extents = (datasize + extentsize - 1) / extentsize;
        String algorithm = checksum.get();
        if (chunk == null) {
            chunk = ByteBuffer.allocateDirect(CHUNK);
        }
        List<Long> differing = new ArrayList<>();
        long skipped = 0;
        try {
            for (int e = 0; e < extents; e++) {
                long start = e * extentsize;
                long length = Math.min(extentsize, datasize - start);
                if (!link.connected()) {
                    throw stopped(e, extents, "the secondary is not connected");
                }
                fence.enterSync(e);
                try {
                    if (dirty.needsSync(start, length)) {
                        // It is copied anyway: a difference there is expected, not a finding.
                        skipped++;
                    } else if (!equal(start, length, algorithm)) {
                        long extent = e;
                        LOG.warning(() -> "[" + resource + "] Verification: extent " + extent + " (offset " + start
                                + ", " + length + " bytes) differs from the secondary's; marked for synchronisation.");
                        dirty.markForSync(start, length);
                        differing.add(extent);
                    }
                } finally {
                    fence.exitSync(e);
                }
                progress.compared(e + 1, extents);
            }
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + resource + "] Verification failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HastException(Sysexits.EX_UNAVAILABLE, "[" + resource + "] Verification interrupted.", e);
        } finally {
            if (!differing.isEmpty()) {
                resync.run();
            }
        }
        LOG.info(() -> "[" + resource + "] Verification complete: " + differing.size() + " of " + extents
                + " extents differ.");
        return new Verification(extents, extentsize, datasize, differing, skipped);
    }

    private HastException stopped(long extent, long extents, String why) {
        return new HastException(Sysexits.EX_UNAVAILABLE, "[" + resource + "] Verification stopped at extent "
                + extent + " of " + extents + ": " + why + ".");
    }

    /** Whether both copies of the range hold the same bytes, as far as their digests tell. */
    private boolean equal(long start, long length, String algorithm) throws IOException, InterruptedException {
        List<RemoteLink.Pending> theirs = new ArrayList<>();
        for (long at = start; at < start + length; at += CHUNK) {
            theirs.add(link.digest(at, Math.min(CHUNK, start + length - at), algorithm));
        }
        boolean same = true;
        int i = 0;
        for (long at = start; at < start + length; at += CHUNK, i++) {
            int n = (int) Math.min(CHUNK, start + length - at);
            chunk.clear().limit(n);
            provider.read(chunk, localoff + at);
            byte[] ours = codec.digest(algorithm, chunk.flip());
            same &= Arrays.equals(ours, remoteDigest(theirs.get(i), at));
        }
        return same;
    }

    private static byte[] remoteDigest(RemoteLink.Pending p, long offset) throws IOException, InterruptedException {
        Frame reply;
        try {
            reply = p.done().get();
        } catch (ExecutionException e) {
            throw new IOException("no digest from the secondary at " + offset + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
        if (reply.error() != 0 || reply.payload() == null) {
            throw new IOException("the secondary could not digest its data at " + offset + " (errno "
                    + reply.error() + ")");
        }
        byte[] digest = new byte[reply.payloadSize()];
        reply.payload().duplicate().get(digest);
        return digest;
    }
}
