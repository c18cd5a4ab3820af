package hast.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hastd and hastctl on real block devices (loop devices the test attaches): what an operator is
 * told when the configured local component will not do, a direct-I/O primary, and a daemon that
 * has dropped to an unprivileged user.
 */
class LocalDiskIT {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private Node node(String local, String extra) throws Exception {
        return Node.solo(dir, local, List.of("export tcp://127.0.0.1:" + Node.freePort(), "export-insecure on"), extra);
    }

    private Path file(String name, long size) throws Exception {
        return Node.disk(dir.resolve(name), size);
    }

    private static Node.Result create(Node n) throws Exception {
        return n.ctl("create", "r");
    }

    @Test
    void eachUnusableLocalComponentIsRefusedWithItsReason() throws Exception {
        Path missing = dir.resolve("no-such-disk");
        assertEquals("Unable to open " + missing + " of resource r: " + missing + ": no such file or device\n",
                create(node(missing.toString(), "")).expect(66).err());
        assertEquals("Unable to open " + dir + " of resource r: " + dir
                + " is a directory, not a regular file or block device\n", create(node(dir.toString(), "")).expect(66).err());
        assertEquals("Unable to open /dev/null of resource r: /dev/null is neither a regular file nor a block device\n",
                create(node("/dev/null", "")).expect(66).err());
        try (BlockStack stack = new BlockStack(dir)) {
            Path tiny = stack.loop(file("tiny.img", 64 * 1024));
            assertEquals("Provider of 65536 bytes is too small: with extents of 2097152 bytes it needs at least"
                    + " 2105344 bytes (metadata, activemap and one extent of data).\n", create(node(tiny.toString(), ""))
                    .expect(65).err());
            Path mounted = stack.loop(file("mounted.img", 16 * MIB));
            BlockStack.run("mkfs.ext4", "-q", "-F", mounted.toString());
            stack.mount(mounted);
            assertEquals("Unable to open " + mounted + " of resource r: " + mounted + " is busy: another program"
                    + " holds it exclusively (mounted, or used by another hastd, device mapper or md)\n",
                    create(node(mounted.toString(), "")).expect(66).err());
        }
    }

    @Test
    void aPrimaryWithDirectIoOnABlockDeviceServesWhatItWasGiven() throws Exception {
        try (BlockStack stack = new BlockStack(dir)) {
            Path disk = stack.loop(file("disk.img", 32 * MIB));
            try (Node n = node(disk.toString(), " direct on")) {
                create(n).expect(0);
                n.start();
                n.ctl("role", "primary", "r").expect(0);
                String export = exportUrl(n);
                n.run(List.of("qemu-io", "-f", "raw", "-c", "write -P 0x6b 1M 4M", "-c", "write -P 0x6c 7680 512",
                        export), Map.of()).expect(0);
                n.run(List.of("qemu-io", "-f", "raw", "-c", "read -P 0x6b 1M 4M", "-c", "read -P 0x6c 7680 512",
                        export), Map.of()).expect(0);
                assertTrue(directDescriptors(n, disk) > 0, "the primary's provider is open O_DIRECT");
            }
        }
    }

    @Test
    void droppedToAnUnprivilegedUserTheDaemonStillOpensWhatThatUserMay() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path disk = file("nobody.img", 16 * MIB);
        try (Node n = node(disk.toString(), "")) {
            create(n).expect(0);
            Files.setOwner(disk, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
            n.start("-u", "nobody");
            Node.awaitTrue("the privilege drop", () -> n.logText().contains("Privileges successfully dropped to nobody"));
            String status = Files.readString(Path.of("/proc", String.valueOf(jvm(n)), "status"));
            assertTrue(status.contains("\nUid:\t65534\t65534\t65534\t65534\n"), status);
            assertTrue(status.matches("(?s).*\nGroups:\t65534 ?\n.*"), "only nobody's own group, not root's: " + status);
            n.ctl("role", "primary", "r").expect(0);
            n.run(List.of("qemu-io", "-f", "raw", "-c", "write -P 0x21 0 1M", exportUrl(n)), Map.of()).expect(0);
            n.ctl("role", "init", "r").expect(0);
            Files.setOwner(disk, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
            Files.setPosixFilePermissions(disk, PosixFilePermissions.fromString("rw-------"));
            Node.Result refused = n.ctl("role", "primary", "r");
            assertTrue(refused.exit() != 0 && refused.err().contains(disk + ": open: Permission denied"),
                    refused.exit() + " " + refused.err());
        }
    }

    private static String exportUrl(Node n) throws Exception {
        String conf = Files.readString(n.conf);
        String port = conf.replaceAll("(?s).*export tcp://127.0.0.1:(\\d+).*", "$1");
        return "nbd://127.0.0.1:" + port + "/r";
    }

    private static long jvm(Node n) {
        return n.daemon().descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElseThrow().pid();
    }

    /** Descriptors of the daemon's JVM on {@code target} opened O_DIRECT (040000). */
    private static long directDescriptors(Node n, Path target) throws Exception {
        long pid = jvm(n);
        long count = 0;
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (!Files.readSymbolicLink(fd).equals(target)) {
                        continue;
                    }
                    String flags = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "fdinfo",
                            fd.getFileName().toString())).stream().filter(l -> l.startsWith("flags:")).findFirst()
                            .orElseThrow();
                    if ((Long.parseLong(flags.substring(6).trim(), 8) & 040000) != 0) {
                        count++;
                    }
                } catch (java.io.IOException gone) {
                    // The descriptor closed while we looked.
                }
            }
        }
        return count;
    }
}
