/**
 * The C library calls the JDK lacks, for the bundles that need them: descriptors opened with any
 * flags (O_EXCL, O_DIRECT, O_DSYNC) and their ioctl, fallocate, lseek (holes), flock and socket calls; accounts
 * as the name service sees them; the process's user and groups; each thread's capabilities; and
 * {@link hast.posix.KernelDeviceThread}, the one thread that keeps some through hastd's privilege
 * drop. No JNR type appears here: JNR-FFI stays inside the bundle that exports this package.
 */
@Export
@Version("1.1.0")
package hast.posix;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
