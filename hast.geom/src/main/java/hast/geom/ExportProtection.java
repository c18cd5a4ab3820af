package hast.geom;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import hast.api.HastAddress;
import hast.api.device.HastDevice;
import hast.api.guard.AddressRange;

/**
 * How a device's export keeps strangers out, from its service properties: TLS, or nothing but
 * the administrator's explicit consent for TCP; and, for TCP, which peer addresses may connect at
 * all. A Unix socket is its owner's alone already.
 *
 * @param tls           the credentials directory of an export that requires TLS, or {@code null}
 * @param verifyClients with TLS, clients must present a certificate the directory's CA signed
 * @param insecure      plain TCP was asked for explicitly
 * @param allowed       the peer addresses let in ({@code export-allow}); empty for all
 */
record ExportProtection(Path tls, boolean verifyClients, boolean insecure, List<AddressRange> allowed) {

    /**
     * @throws IllegalArgumentException when {@link HastDevice#EXPORT_ALLOW} holds something that
     *                                  is not an address range, naming it
     */
    static ExportProtection of(Map<String, Object> properties) {
        Path tls = properties.get(HastDevice.EXPORT_TLS) instanceof String dir ? Path.of(dir) : null;
        return new ExportProtection(tls, Boolean.TRUE.equals(properties.get(HastDevice.EXPORT_TLS_VERIFY)),
                Boolean.TRUE.equals(properties.get(HastDevice.EXPORT_INSECURE)),
                ranges(properties.get(HastDevice.EXPORT_ALLOW)));
    }

    private static List<AddressRange> ranges(Object property) {
        Collection<?> texts = property instanceof String s ? List.of(s)
                : property instanceof String[] a ? List.of(a)
                : property instanceof Collection<?> c ? c
                : List.of();
        List<AddressRange> ranges = new ArrayList<>();
        for (Object text : texts) {
            ranges.add(AddressRange.parse(String.valueOf(text)));
        }
        return List.copyOf(ranges);
    }

    /** Why {@code address} may not be exported this way, or {@code null} when it may. */
    String refusal(HastAddress address) {
        if (plainTcp(address) && !insecure) {
            return "a plain TCP export lets anyone who can reach " + address + " read and write the disk; it needs "
                    + HastDevice.EXPORT_TLS + " (export-tls) or " + HastDevice.EXPORT_INSECURE + " (export-insecure on)";
        }
        if (address.scheme() == HastAddress.Scheme.UDS && !allowed.isEmpty()) {
            return "an allow list (export-allow) restricts TCP clients by address, and a Unix socket like " + address
                    + " has none";
        }
        return null;
    }

    /** TCP without TLS: the disk is open to whoever reaches the address. */
    boolean plainTcp(HastAddress address) {
        return address.scheme() != HastAddress.Scheme.UDS && tls == null;
    }
}
