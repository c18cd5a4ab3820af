package hast.engine.resource;

import java.io.IOException;
import java.util.function.UnaryOperator;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.storage.LocalProvider;
import hast.engine.config.ResourceConfig;
import hast.engine.metadata.Metadata;
import hast.engine.metadata.MetadataStore;
import hast.engine.metadata.ProviderLayout;

/**
 * A resource's local provider opened for a role, with its metadata read and checked. The
 * provider stays locked against other processes until {@link #close()}.
 */
final class LocalComponent implements AutoCloseable {
    private final String resource;
    private final LocalProvider provider;
    private final ProviderLayout layout;
    private volatile Metadata metadata;

    private LocalComponent(String resource, LocalProvider provider, Metadata metadata, ProviderLayout layout) {
        this.resource = resource;
        this.provider = provider;
        this.metadata = metadata;
        this.layout = layout;
    }

    static LocalComponent open(ResourceConfig config, Replication opener) throws HastException {
        LocalProvider provider;
        try {
            provider = opener.open(config.local(), config.direct());
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_NOINPUT,
                    "[" + config.name() + "] Unable to open local provider: " + e.getMessage(), e);
        }
        try {
            Metadata metadata = MetadataStore.read(provider, config.name());
            return new LocalComponent(config.name(), provider, metadata, ProviderLayout.of(metadata, provider.sectorSize()));
        } catch (HastException e) {
            closeQuietly(provider);
            throw e;
        } catch (IOException e) {
            closeQuietly(provider);
            throw new HastException(Sysexits.EX_IOERR,
                    "[" + config.name() + "] Unable to read metadata from " + config.local() + ": " + e.getMessage(), e);
        }
    }

    LocalProvider provider() {
        return provider;
    }

    ProviderLayout layout() {
        return layout;
    }

    Metadata metadata() {
        return metadata;
    }

    /**
     * Changes the stored metadata (a full block write, then a flush). Changes are applied one at a
     * time to the metadata as the last one left it, so that the generation counters and the stale
     * extents, changed by different threads, never undo each other.
     */
    synchronized void updateMetadata(UnaryOperator<Metadata> change) throws IOException {
        Metadata next = change.apply(metadata);
        MetadataStore.write(provider, next);
        metadata = next;
    }

    String resource() {
        return resource;
    }

    @Override
    public void close() {
        closeQuietly(provider);
    }

    private static void closeQuietly(LocalProvider provider) {
        try {
            provider.close();
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(LocalComponent.class.getName())
                    .warning("Unable to close " + provider.path() + ": " + e.getMessage());
        }
    }
}
