package hast.engine.activemap;

import java.io.IOException;
import java.nio.ByteBuffer;

import hast.api.storage.LocalProvider;
import hast.engine.metadata.ProviderLayout;

/** The activemap's place on a provider: right after the metadata block. */
public final class ActiveMapStore {
    private final LocalProvider provider;
    private final int mapsize;
    private final boolean metaflush;

    /** @param metaflush flush the provider's cache after each image write, so a mark survives power loss */
    public ActiveMapStore(LocalProvider provider, ProviderLayout layout, boolean metaflush) {
        this.provider = provider;
        this.mapsize = (int) layout.mapsize();
        this.metaflush = metaflush;
    }

    public byte[] read() throws IOException {
        ByteBuffer image = ByteBuffer.allocate(mapsize);
        provider.read(image, ProviderLayout.METADATA_SIZE);
        return image.array();
    }

    public void write(byte[] image) throws IOException {
        if (image.length != mapsize) {
            throw new IllegalArgumentException("image: " + image.length + " bytes (expected: " + mapsize + ")");
        }
        if (metaflush) {
            provider.writeDurably(ByteBuffer.wrap(image), ProviderLayout.METADATA_SIZE);
        } else {
            provider.write(ByteBuffer.wrap(image), ProviderLayout.METADATA_SIZE);
        }
    }

    public int mapsize() {
        return mapsize;
    }
}
