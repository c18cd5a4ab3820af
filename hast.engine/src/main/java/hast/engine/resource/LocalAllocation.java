package hast.engine.resource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import hast.api.device.Allocation;
import hast.api.storage.LocalProvider;

/**
 * The holes of this node's copy of a resource's data, as its provider knows them (a sparse file's,
 * through SEEK_DATA and SEEK_HOLE). Whether a hole here is a hole of the resource is not this
 * class's to say: see {@link PrimaryReads#servedLocally}.
 */
final class LocalAllocation {
    /** Runs one answer carries at most: the client asks again for the rest. */
    static final int MAX_RUNS = 1024;

    private final LocalProvider provider;
    private final long localoff;

    LocalAllocation(LocalProvider provider, long localoff) {
        this.provider = provider;
        this.localoff = localoff;
    }

    /** The runs of user range {@code [offset, offset+length)}, alternating hole and data, from {@code offset} on. */
    List<Allocation> runs(long offset, long length) throws IOException {
        List<Allocation> runs = new ArrayList<>();
        long end = offset + length;
        // Past the provider's end a read fails rather than returning zeros: never a hole.
        long stored = Math.min(end, provider.size() - localoff);
        long at = offset;
        while (at < stored && runs.size() < MAX_RUNS) {
            long data = Math.min(provider.nextData(localoff + at) - localoff, stored);
            long next = data > at ? data : Math.min(provider.nextHole(localoff + at) - localoff, stored);
            if (next <= at) {
                // A provider that contradicts itself: data, to be safe, up to the end.
                break;
            }
            runs.add(new Allocation(next - at, data > at));
            at = next;
        }
        if (at < end && runs.size() < MAX_RUNS) {
            runs.add(new Allocation(end - at, false));
        }
        return runs;
    }
}
