package hast.api.device;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The data area of a resource whose role is primary, as a block device. The engine registers
 * one such service per primary resource and unregisters it when the role changes; exporting
 * bundles (NBD) track them on the whiteboard.
 *
 * <p>Requests may be issued concurrently and complete in any order. Offsets are device offsets
 * (0 is the first byte of user data). A request outside {@code [0, size())} fails with
 * {@link IllegalArgumentException}; an I/O failure completes the stage exceptionally with an
 * {@link java.io.IOException}.
 *
 * <p>A request's buffer belongs to the device until its stage completes and not a moment longer:
 * the caller may reuse it then (callers pool direct buffers for large requests). The one
 * exception is a stage completed with {@link AbandonedRequestException}: the device's disk stopped
 * answering and may still use the buffer, which the caller must then drop instead.
 */
@ProviderType
public interface HastDevice {
    /** Service property (String): the provider name ({@code name} in hast.conf), used as the export name. */
    String NAME = "hast.device.name";
    /** Service property (String): the resource name. */
    String RESOURCE = "hast.resource";
    /** Service property (String): the address to export the device on ({@code export} in hast.conf). */
    String EXPORT = "hast.device.export";
    /**
     * Service property (Boolean): the export may be plain TCP, readable and writable by anyone who
     * reaches its address ({@code export-insecure on}). Without it (or TLS) a TCP export is refused.
     */
    String EXPORT_INSECURE = "hast.device.export.insecure";
    /**
     * Service property (String): a directory of X.509 credentials in qemu's layout
     * ({@code ca-cert.pem}, {@code server-cert.pem}, {@code server-key.pem}); the export then
     * requires TLS (NBD's STARTTLS) of every client ({@code export-tls}).
     */
    String EXPORT_TLS = "hast.device.export.tls";
    /**
     * Service property (Boolean): with {@link #EXPORT_TLS}, a client must present a certificate
     * signed by the directory's {@code ca-cert.pem} ({@code export-tls-verify on}).
     */
    String EXPORT_TLS_VERIFY = "hast.device.export.tls.verify";
    /**
     * Service property (String[]): the only peer addresses a TCP export lets in, each a numeric
     * address or CIDR block ({@code export-allow}); without it, every peer that reaches the
     * address. Others are closed before a byte is read from them.
     */
    String EXPORT_ALLOW = "hast.device.export.allow";

    /** Size of the device in bytes. */
    long size();

    /** Preferred and minimum I/O granularity in bytes (the provider's sector size). */
    int blockSize();

    /** The largest single read or write the device accepts, in bytes. */
    int maxRequest();

    /** Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst}. */
    CompletionStage<Void> read(long offset, ByteBuffer dst);

    /** Writes {@code src} at {@code offset}; with {@code fua} the data is durable when the stage completes. */
    CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua);

    /** Makes every completed write durable. */
    CompletionStage<Void> flush();

    /** Discards {@code length} bytes at {@code offset}; they read back as zeros. */
    CompletionStage<Void> trim(long offset, long length);

    /** Writes {@code length} zero bytes at {@code offset}, releasing space when {@code mayTrim}. */
    CompletionStage<Void> writeZeroes(long offset, long length, boolean mayTrim, boolean fua);

    /**
     * Tells the device that the calling thread has more requests at hand and issues them at once.
     * Until the thread calls {@link #unplug()}, the device may hold back what these requests send
     * to other nodes, so that a burst of small requests leaves in one write instead of one each.
     * Requests held back may not complete before the unplug: the caller must unplug before it
     * waits for anything, its client's next bytes as much as a request's completion or a buffer.
     * The default holds nothing back.
     */
    default void plug() {
    }

    /**
     * Sends whatever the device holds back, for this thread's requests and any other's (see
     * {@link #plug()}), and stops holding this thread's requests back.
     */
    default void unplug() {
    }

    /**
     * How {@code [offset, offset+length)} is allocated, as consecutive runs from {@code offset}
     * on; they may stop short of {@code length} (at least one run), and the caller asks again for
     * the rest. A run is a hole only if reading it from this device returns zeros now: where the
     * device is unsure (its copy not yet synchronised, a provider that cannot tell) it reports
     * data, which is always correct. The default knows of no hole.
     */
    default CompletionStage<List<Allocation>> allocation(long offset, long length) {
        if (offset < 0 || length <= 0 || offset > size() - length) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Allocation of [" + offset + ", +"
                    + length + ") outside a device of " + size() + " bytes"));
        }
        return CompletableFuture.completedFuture(List.of(new Allocation(length, false)));
    }
}
