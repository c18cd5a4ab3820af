package hast.geom.kernel;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.HastAddress;
import hast.api.device.KernelNbd;
import hast.api.transport.Connection;
import hast.posix.Descriptor;
import hast.posix.KernelDeviceThread;
import hast.posix.Posix;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The kernel's NBD client through the ioctls of {@code <linux/nbd.h>}, the way nbd-client drives
 * it: the export is negotiated in user space, then the socket is handed over and a thread sits in
 * {@code NBD_DO_IT} for as long as the device lives. Opening /dev/nbdN and the ioctls need
 * privileges (CAP_DAC_OVERRIDE, CAP_SYS_ADMIN): they all run on the {@link KernelDeviceThread},
 * which keeps them once the daemon has dropped its privileges, and the NBD_DO_IT threads are
 * started from there to hold them too.
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

    private final KernelDeviceThread thread;

    @Activate
    public KernelNbdClient(@Reference KernelDeviceThread thread) {
        this.thread = thread;
    }

    @Override
    public boolean present() {
        return thread.exists();
    }

    @Override
    public Optional<Path> freeDevice() throws IOException {
        return thread.driver().freeDevice();
    }

    @Override
    public Path deviceFolder() {
        return thread.driver().root().resolve("dev");
    }

    @Override
    public <T> T onDeviceThread(DeviceWork<T> work) throws IOException {
        return thread.run(work::run);
    }

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
        return thread.run(() -> {
            Descriptor nbd = Descriptor.open(device.toString(), Posix.O_RDWR);
            try {
                nbd.ioctl(NBD_SET_BLKSIZE, "NBD_SET_BLKSIZE", blockSize);
                nbd.ioctl(NBD_SET_SIZE_BLOCKS, "NBD_SET_SIZE_BLOCKS", size / blockSize);
                nbd.ioctl(NBD_SET_FLAGS, "NBD_SET_FLAGS", flags);
                nbd.ioctl(NBD_SET_SOCK, "NBD_SET_SOCK", socket.descriptor());
                Attachment attachment = new Attachment(device, nbd, socket);
                thread.start("nbd-do-it " + device, attachment::serve);
                return attachment;
            } catch (IOException | RuntimeException e) {
                nbd.close();
                throw e;
            }
        });
    }

    /** A device serving its socket; closing it disconnects the device and waits for NBD_DO_IT to return. */
    private final class Attachment implements Closeable {
        private final Path device;
        private final Descriptor nbd;
        private final NativeConnection socket;
        private final CountDownLatch done = new CountDownLatch(1);

        Attachment(Path device, Descriptor nbd, NativeConnection socket) {
            this.device = device;
            this.nbd = nbd;
            this.socket = socket;
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

        private void ioctl(long request, String name) throws IOException {
            thread.run(() -> {
                nbd.ioctl(request, name, 0);
                return null;
            });
        }

        @Override
        public void close() throws IOException {
            try {
                ioctl(NBD_DISCONNECT, "NBD_DISCONNECT");
                if (!done.await(DETACH_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warning(() -> device + " did not disconnect within " + DETACH_SECONDS + " s.");
                }
                ioctl(NBD_CLEAR_SOCK, "NBD_CLEAR_SOCK");
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
