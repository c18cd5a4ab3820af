package hast.engine.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import hast.api.HastAddress;
import hast.api.device.HastDevice;

/**
 * Where and how the primary serves a resource over NBD ({@code export} and its protection).
 *
 * @param address   the socket: a Unix socket only the daemon's user may open, or TCP
 * @param tls       a directory of X.509 credentials in qemu's layout, whose export requires TLS;
 *                  or {@code null}
 * @param tlsVerify with {@code tls}, clients must present a certificate signed by its CA
 * @param insecure  a TCP export without TLS is allowed ({@code export-insecure on})
 * @param allow     the only client addresses or CIDR blocks a TCP export lets in ({@code export-allow});
 *                  empty for any; a Unix socket is the daemon user's alone and has no use for it
 */
public record ExportConfig(HastAddress address, String tls, boolean tlsVerify, boolean insecure, List<String> allow) {

    /** The properties the exporting bundles read from the device service, beside its name. */
    public Map<String, Object> deviceProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(HastDevice.EXPORT, address.toString());
        if (tls != null) {
            properties.put(HastDevice.EXPORT_TLS, tls);
            properties.put(HastDevice.EXPORT_TLS_VERIFY, tlsVerify);
        }
        if (insecure) {
            properties.put(HastDevice.EXPORT_INSECURE, Boolean.TRUE);
        }
        if (!allow.isEmpty() && address.scheme() != HastAddress.Scheme.UDS) {
            properties.put(HastDevice.EXPORT_ALLOW, allow.toArray(String[]::new));
        }
        return properties;
    }

    @Override
    public String toString() {
        return address + (tls != null ? " (TLS" + (tlsVerify ? ", client certificates verified" : "") + ")"
                : insecure ? " (plain, export-insecure)" : "")
                + (allow.isEmpty() || address.scheme() == HastAddress.Scheme.UDS ? ""
                        : " for " + String.join(" ", allow) + " only");
    }
}
