package hast.geom;

import java.nio.file.Path;
import java.util.Map;

import hast.api.HastAddress;
import hast.api.device.HastDevice;

/**
 * How a device's export keeps strangers out, from its service properties: TLS, or nothing but
 * the administrator's explicit consent for TCP. A Unix socket is its owner's alone already.
 *
 * @param tls           the credentials directory of an export that requires TLS, or {@code null}
 * @param verifyClients with TLS, clients must present a certificate the directory's CA signed
 * @param insecure      plain TCP was asked for explicitly
 */
record ExportProtection(Path tls, boolean verifyClients, boolean insecure) {

    static ExportProtection of(Map<String, Object> properties) {
        Path tls = properties.get(HastDevice.EXPORT_TLS) instanceof String dir ? Path.of(dir) : null;
        return new ExportProtection(tls, Boolean.TRUE.equals(properties.get(HastDevice.EXPORT_TLS_VERIFY)),
                Boolean.TRUE.equals(properties.get(HastDevice.EXPORT_INSECURE)));
    }

    /** Why {@code address} may not be exported this way, or {@code null} when it may. */
    String refusal(HastAddress address) {
        if (plainTcp(address) && !insecure) {
            return "a plain TCP export lets anyone who can reach " + address + " read and write the disk; it needs "
                    + HastDevice.EXPORT_TLS + " (export-tls) or " + HastDevice.EXPORT_INSECURE + " (export-insecure on)";
        }
        return null;
    }

    /** TCP without TLS: the disk is open to whoever reaches the address. */
    boolean plainTcp(HastAddress address) {
        return address.scheme() != HastAddress.Scheme.UDS && tls == null;
    }
}
