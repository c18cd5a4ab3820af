package hast.api.storage;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens the local component of a resource from hast.conf's {@code local} value. Factories are
 * services registered under the {@link #KIND}s of {@code local} they serve ({@link HastLocalKind});
 * the engine gives each resource the factory of its {@code local}'s kind, the one with the highest
 * service ranking when several serve it.
 *
 * <p>The kind of a {@code local} value is its URI scheme, lower-cased, when it starts with one
 * ({@code s3://bucket/disk0} is of kind {@code s3}, {@code rbd:pool/image} of kind {@code rbd});
 * otherwise the value is a path, of kind {@link #BLOCK} when it names a block device and
 * {@link #FILE} in every other case (a regular file, or nothing yet: the provider says what is
 * wrong with it).
 *
 * <p>A factory is asked only to open: a provider it opened belongs to the resource that opened it
 * until the resource closes it (its role ends), even if the factory's service goes away meanwhile.
 * A factory's bundle that stops must therefore leave the providers it made working; the next
 * open of that kind waits for another factory. @since 1.2
 */
@ConsumerType
public interface LocalProviderFactory {
    /** Service property (String or String[]): the kinds of {@code local} served, e.g. {@code s3}. */
    String KIND = "hast.local.kind";
    /** The kind of a path that is not a block device: a regular file. */
    String FILE = "file";
    /** The kind of a path naming a block device (a disk, partition, LVM volume, loop device). */
    String BLOCK = "block";

    /**
     * How a provider is opened.
     *
     * @param readOnly for {@code hastctl dump}: no writes, and no claim on the storage against others
     * @param direct   {@code direct on} in hast.conf: bypass caches where the storage has them
     */
    record Options(boolean readOnly, boolean direct) {
    }

    /**
     * Opens {@code local}, of a kind this factory serves. The provider's {@link LocalProvider#path()}
     * is {@code local} as given.
     *
     * @throws IOException naming {@code local} and why it cannot be opened (missing, busy, refused)
     */
    LocalProvider open(String local, Options options) throws IOException;
}
