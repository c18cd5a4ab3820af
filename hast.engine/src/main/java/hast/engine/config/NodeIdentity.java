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

    private final List<String> hostnames;
    private final String uuid;
    private final String hostid;

    /**
     * A node known by its hostname (and the part before the first dot), its machine id and its
     * host id; any of them may be {@code null} when the system does not have it.
     */
    NodeIdentity(String hostname, String uuid, Long hostid) {
        this(hostnames(hostname), uuid == null || uuid.isEmpty() ? null : uuid,
                hostid == null ? null : "hostid" + hostid);
    }

    private NodeIdentity(List<String> hostnames, String uuid, String hostid) {
        this.hostnames = List.copyOf(hostnames);
        this.uuid = uuid;
        this.hostid = hostid;
    }

    /** This node by {@code HAST_NODE} if set, else by hostname, machine id and host id. */
    public static NodeIdentity fromEnvironment() {
        String named = System.getenv(HAST_NODE);
        if (named != null && !named.isEmpty()) {
            return named(named);
        }
        return new NodeIdentity(hostname(), read(Path.of("/etc/machine-id")), hostid());
    }

    /** A node known by exactly one name: a dotted name does not also answer to its first part. */
    public static NodeIdentity named(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A node name must not be empty");
        }
        return new NodeIdentity(List.of(name), null, null);
    }

    /** Whether an {@code on <onName>} section is meant for this node. */
    public boolean matches(String onName) {
        return hostnames.contains(onName) || (uuid != null && uuid.equalsIgnoreCase(onName)) || onName.equals(hostid);
    }

    /** Every acceptable name, in the order the reference's error message lists them. */
    public List<String> names() {
        List<String> all = new ArrayList<>(hostnames);
        if (uuid != null) {
            all.add(uuid);
        }
        if (hostid != null) {
            all.add(hostid);
        }
        return all;
    }

    /** The full hostname and, when it has a dot, the part before the first one. */
    private static List<String> hostnames(String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            return List.of();
        }
        int dot = hostname.indexOf('.');
        return dot > 0 ? List.of(hostname.substring(0, dot), hostname) : List.of(hostname);
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

    /**
     * gethostid(3) as glibc has it when /etc/hostid exists: its first 4 bytes, read little-endian
     * (the byte order of the machines this runs on). Without the file glibc derives an id from the
     * host's address; that guess is not worth matching against, so the name is left out.
     */
    private static Long hostid() {
        try {
            byte[] b = Files.readAllBytes(Path.of("/etc/hostid"));
            if (b.length >= 4) {
                return ByteBuffer.wrap(b, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
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
