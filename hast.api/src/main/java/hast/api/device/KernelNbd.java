package hast.api.device;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import hast.api.HastAddress;
import hast.api.transport.Connection;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Linux's NBD client, the kernel's nbd driver, driven through its ioctls: it turns a negotiated
 * NBD connection into a block device such as /dev/nbd0. hast.geom provides it (through hast.native's
 * calls); the caller negotiates the export over the connection and picks the device.
 */
@ProviderType
public interface KernelNbd {

    /** Work on device files, which {@link #onDeviceThread} runs. */
    @FunctionalInterface
    interface DeviceWork<T> {
        T run() throws IOException;
    }

    /**
     * Whether this machine's kernel has the nbd driver: its module is loaded (or built in) and
     * its first device exists.
     */
    boolean present();

    /** The first /dev/nbdN no client uses, if any. */
    Optional<Path> freeDevice() throws IOException;

    /** The folder the driver's devices are in: /dev, or where hastd was told to look instead. */
    Path deviceFolder();

    /**
     * Runs {@code work} on the thread that drives the driver, and waits for it. Once hastd has
     * dropped its privileges, that thread alone may still open /dev/nbdN, make it root's alone and
     * write in /dev (README, "Privileges"): the work on /dev/hast and its links is done there too.
     * {@link #attach} may be called from {@code work}.
     *
     * @throws IOException what {@code work} threw, or that the driver is not present
     */
    <T> T onDeviceThread(DeviceWork<T> work) throws IOException;

    /**
     * A stream connection to an NBD server whose socket the kernel can take over: the caller
     * negotiates on it (fixed newstyle, up to {@code NBD_OPT_GO}), then {@link #attach}es it.
     */
    Connection connect(HastAddress server) throws IOException;

    /**
     * Hands {@code connection}, one {@link #connect} returned and negotiated, to {@code device},
     * which serves it from then on: {@code NBD_SET_BLKSIZE}, {@code NBD_SET_SIZE_BLOCKS},
     * {@code NBD_SET_FLAGS}, {@code NBD_SET_SOCK}, then {@code NBD_DO_IT} in a thread of its own.
     *
     * @param size      the export's size in bytes
     * @param blockSize the device's block size: a power of two from 512 to the page size
     * @param flags     the export's transmission flags, as the server sent them
     * @return what detaches the device again ({@code NBD_DISCONNECT}, {@code NBD_CLEAR_SOCK})
     *         and closes the connection
     */
    Closeable attach(Connection connection, Path device, long size, int blockSize, int flags) throws IOException;
}
