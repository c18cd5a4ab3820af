package hast.engine.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The names by which this node finds its {@code on <node>} sections: the full hostname, the
 * short hostname, the machine id (Linux's counterpart of kern.hostuuid, compared ignoring case)
 * and {@code hostid<N>}. {@code HAST_NODE} replaces them all with one name, so that two nodes can
 * share a machine.
 */
public final class NodeIdentity {
    /** Environment variable naming this node; when set, it is the only name. */
    public static final String HAST_NODE = "HAST_NODE";

    private final List<String> exact;
    private final String uuid;

    NodeIdentity(String hostname, String uuid, Long hostid) {
        List<String> names = new ArrayList<>();
        if (hostname != null && !hostname.isEmpty()) {
            names.add(hostname);
            int dot = hostname.indexOf('.');
            if (dot > 0) {
                names.add(hostname.substring(0, dot));
            }
        }
        if (hostid != null) {
            names.add("hostid" + hostid);
        }
        this.exact = List.copyOf(names);
        this.uuid = uuid == null || uuid.isEmpty() ? null : uuid;
    }

    /** This node by {@code HAST_NODE} if set, else by hostname, machine id and host id. */
    public static NodeIdentity fromEnvironment() {
        String named = System.getenv(HAST_NODE);
        if (named != null && !named.isEmpty()) {
            return named(named);
        }
        return new NodeIdentity(hostname(), read(Path.of("/etc/machine-id")), hostid());
    }

    /** A node known by exactly one name. */
    public static NodeIdentity named(String name) {
        return new NodeIdentity(name, null, null);
    }

    public boolean matches(String onName) {
        return exact.contains(onName) || (uuid != null && uuid.equalsIgnoreCase(onName));
    }

    /** Every acceptable name, for the message that says no section matched. */
    public List<String> names() {
        List<String> all = new ArrayList<>(exact);
        if (uuid != null) {
            all.add(uuid);
        }
        return all;
    }

    private static String hostname() {
        // The kernel's own name for the host, as gethostname(2) returns it; no DNS involved.
        String kernel = read(Path.of("/proc/sys/kernel/hostname"));
        if (kernel != null) {
            return kernel;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }

    /** gethostid(3): glibc reads /etc/hostid (4 bytes, host order) when it exists. */
    private static Long hostid() {
        try {
            byte[] b = Files.readAllBytes(Path.of("/etc/hostid"));
            if (b.length >= 4) {
                return ByteBuffer.wrap(b, 0, 4).order(ByteOrder.nativeOrder()).getInt() & 0xffffffffL;
            }
        } catch (IOException absent) {
            // No hostid configured: the name simply does not exist on this node.
        }
        return null;
    }

    private static String read(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }
}
