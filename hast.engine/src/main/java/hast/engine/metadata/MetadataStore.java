package hast.engine.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;

import hast.api.HastException;
import hast.api.Role;
import hast.api.Sysexits;
import hast.api.storage.LocalProvider;

/** Reads and writes the metadata block at the start of a local provider. */
public final class MetadataStore {

    private MetadataStore() {
    }

    /**
     * Reads the metadata of {@code resource}'s provider, checking that it belongs to that
     * resource and that the layout it describes fits the provider.
     */
    public static Metadata read(LocalProvider provider, String resource) throws HastException, IOException {
        ByteBuffer block = ByteBuffer.allocate(ProviderLayout.METADATA_SIZE);
        if (provider.size() < ProviderLayout.METADATA_SIZE) {
            throw new MetadataFormatException("Provider " + provider.path() + " is too small to hold HAST metadata.");
        }
        provider.read(block, 0);
        Metadata md = MetadataCodec.decode(block.flip(), provider.path());
        if (!md.resource().equals(resource)) {
            throw new HastException(Sysexits.EX_DATAERR,
                    "Provider " + provider.path() + " is not part of resource " + resource + ".");
        }
        long end = md.localoff() + md.datasize();
        if (end > provider.size()) {
            throw new MetadataFormatException("Metadata on " + provider.path() + " describe " + end
                    + " bytes, but the provider has only " + provider.size() + ".");
        }
        return md;
    }

    /** Replaces the metadata block and makes it durable. */
    public static void write(LocalProvider provider, Metadata md) throws IOException {
        provider.write(MetadataCodec.encode(md), 0);
        provider.flush();
    }

    /**
     * {@code hastctl create}: fresh metadata (never paired, counters 0, prevrole init) and a clean
     * activemap.
     */
    public static Metadata initialise(LocalProvider provider, String resource, ProviderLayout layout, int keepdirty)
            throws IOException {
        if (layout.mediasize() > provider.size()) {
            throw new IllegalArgumentException("Layout of " + layout.mediasize() + " bytes does not fit provider "
                    + provider.path() + " of " + provider.size() + " bytes");
        }
        Metadata md = new Metadata(resource, layout.datasize(), (int) layout.extentsize(), keepdirty,
                layout.localoff(), 0, 0, 0, Role.INIT);
        provider.delete(ProviderLayout.METADATA_SIZE, layout.mapsize());
        write(provider, md);
        return md;
    }
}
