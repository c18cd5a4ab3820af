package hast.engine.kernel;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.device.KernelNbd;
import hast.api.transport.Connection;
import hast.engine.posix.Descriptor;
import hast.engine.posix.Posix;

import org.osgi.service.component.annotations.Component;

/**
 * The kernel's NBD client through the ioctls of {@code <linux/nbd.h>}, the way nbd-client drives
 * it: the export is negotiated in user space, then the socket is handed over and a thread sits in
 * {@code NBD_DO_IT} for as long as the device lives. The ioctls need CAP_SYS_ADMIN.
 */
@Component(service = KernelNbd.class)
public final class KernelNbdClient implements KernelNbd {
    private static final Logger LOG = Logger.getLogger(KernelNbdClient.class.getName());
    private static final long NBD_SET_SOCK = 0xab00;
    private static final long NBD_SET_BLKSIZE = 0xab01;
    private static final long NBD_DO_IT = 0xab03;
    private static final long NBD_CLEAR_SOCK = 0xab04;
    private static final long NBD_SET_SIZE_BLOCKS = 0xab07;
    private static final long NBD_DISCONNECT = 0xab08;
    private static final long NBD_SET_FLAGS = 0xab0a;
    /** How long a detach waits for the kernel to finish the requests it has in flight. */
    private static final long DETACH_SECONDS = 60;

    @Override
    public Connection connect(HastAddress server) throws IOException {
        return NativeConnection.connect(server);
    }

    @Override
    public Closeable attach(Connection connection, Path device, long size, int blockSize, int flags)
            throws IOException {
        if (!(connection instanceof NativeConnection socket)) {
            throw new IllegalArgumentException("Only a connection from KernelNbd.connect can be attached: " + connection);
        }
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1 || size % blockSize != 0) {
            throw new IllegalArgumentException("Block size " + blockSize + " does not suit an export of " + size + " bytes");
        }
        Descriptor nbd = Descriptor.open(device.toString(), Posix.O_RDWR);
        try {
            nbd.ioctl(NBD_SET_BLKSIZE, "NBD_SET_BLKSIZE", blockSize);
            nbd.ioctl(NBD_SET_SIZE_BLOCKS, "NBD_SET_SIZE_BLOCKS", size / blockSize);
            nbd.ioctl(NBD_SET_FLAGS, "NBD_SET_FLAGS", flags);
            nbd.ioctl(NBD_SET_SOCK, "NBD_SET_SOCK", socket.descriptor());
        } catch (IOException | RuntimeException e) {
            nbd.close();
            throw e;
        }
        return new Attachment(device, nbd, socket);
    }

    /** A device serving its socket; closing it disconnects the device and waits for NBD_DO_IT to return. */
    private static final class Attachment implements Closeable {
        private final Path device;
        private final Descriptor nbd;
        private final NativeConnection socket;
        private final CountDownLatch done = new CountDownLatch(1);

        Attachment(Path device, Descriptor nbd, NativeConnection socket) {
            this.device = device;
            this.nbd = nbd;
            this.socket = socket;
            Thread serving = new Thread(this::serve, "nbd-do-it " + device);
            serving.setDaemon(true);
            serving.start();
        }

        private void serve() {
            try {
                nbd.ioctl(NBD_DO_IT, "NBD_DO_IT", 0);
            } catch (IOException e) {
                // Also how a disconnect ends it on some kernels (EPIPE); close() logs nothing then.
                LOG.log(Level.FINE, "NBD_DO_IT on " + device + " returned: " + e.getMessage(), e);
            } finally {
                done.countDown();
            }
        }

        @Override
        public void close() throws IOException {
            try {
                nbd.ioctl(NBD_DISCONNECT, "NBD_DISCONNECT", 0);
                if (!done.await(DETACH_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warning(() -> device + " did not disconnect within " + DETACH_SECONDS + " s.");
                }
                nbd.ioctl(NBD_CLEAR_SOCK, "NBD_CLEAR_SOCK", 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    nbd.close();
                } finally {
                    socket.close();
                }
            }
        }
    }
}
