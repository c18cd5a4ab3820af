package hast.engine.config;

import java.util.Optional;
import java.util.Set;

import hast.api.HastAddress;
import hast.api.HastAddress.Scheme;
import hast.engine.replication.LinkSecret;

/**
 * Turns the text of one setting into its value, refusing what the reference refuses: strings
 * longer than its buffers, zero timeouts, addresses of the wrong kind.
 */
final class SettingChecks {
    /** The reference's buffer sizes less the terminating NUL: HAST_ADDRSIZE, PATH_MAX, NAME_MAX. */
    static final int MAX_ADDRESS = 1023;
    static final int MAX_PATH = 4095;
    static final int MAX_NAME = 254;
    /** Linux's sockaddr_un holds 108 bytes of path, including the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;

    /** The kinds of address a keyword takes. */
    enum Accepts {
        UDS("a Unix-domain socket (uds:///path)", Set.of(Scheme.UDS)),
        TCP("a TCP address (tcp://host:port)", Set.of(Scheme.TCP, Scheme.TCP4, Scheme.TCP6)),
        TCP_OR_UDS("a TCP address (tcp://host:port) or a Unix-domain socket (uds:///path)",
                Set.of(Scheme.TCP, Scheme.TCP4, Scheme.TCP6, Scheme.UDS));

        private final String description;
        private final Set<Scheme> schemes;

        Accepts(String description, Set<Scheme> schemes) {
            this.description = description;
            this.schemes = schemes;
        }
    }

    private final String file;

    SettingChecks(String file) {
        this.file = file;
    }

    /** The setting's text, refused when longer than {@code max}. */
    Optional<String> text(Optional<Section.Setting> setting, String keyword, int max) throws ConfigException {
        if (setting.isPresent() && setting.get().value().length() > max) {
            throw new ConfigException(file, setting.get().line(),
                    keyword.equals("exec") ? "Exec path is too long." : keyword + " argument is too long.");
        }
        return setting.map(Section.Setting::value);
    }

    /** The shortest shared-secret accepted: a shorter one is guessed offline from one recorded exchange. */
    static final int MIN_SECRET = 8;

    /** A shared-secret of {@value #MIN_SECRET} to {@value #MAX_NAME} characters; messages never show it. */
    Optional<String> secret(Optional<Section.Setting> setting) throws ConfigException {
        if (setting.isPresent()) {
            int length = setting.get().value().length();
            if (length < MIN_SECRET || length > MAX_NAME) {
                throw new ConfigException(file, setting.get().line(), "shared-secret of " + length
                        + " characters (expected " + MIN_SECRET + " to " + MAX_NAME + ")");
            }
        }
        return setting.map(Section.Setting::value);
    }

    /** An {@code auth-alg} this node knows. */
    Optional<String> authAlgorithm(Optional<Section.Setting> setting) throws ConfigException {
        if (setting.isPresent() && !LinkSecret.isAlgorithm(setting.get().value())) {
            throw new ConfigException(file, setting.get().line(), "unknown auth-alg '" + setting.get().value()
                    + "' (expected hmac-sha256, hmac-sha384 or hmac-sha512)");
        }
        return setting.map(Section.Setting::value);
    }

    /** A timeout of at least one second; the grammar has already made sure it is all digits. */
    int timeout(Section.Setting setting) throws ConfigException {
        int seconds;
        try {
            seconds = Integer.parseInt(setting.value());
        } catch (NumberFormatException tooLarge) {
            throw new ConfigException(file, setting.line(), "timeout " + setting.value() + " is too large (at most "
                    + Integer.MAX_VALUE + " seconds).");
        }
        if (seconds <= 0) {
            throw new ConfigException(file, setting.line(), "Negative or zero timeout.");
        }
        return seconds;
    }

    /** The codec or mode the setting names, or the default when there is no setting. */
    String codec(Optional<Section.Setting> setting, CodecNames codecs) {
        if (setting.isEmpty()) {
            return codecs.defaultName();
        }
        return setting.get().value();
    }

    /**
     * The address a setting gives; TCP addresses without a port get {@code defaultPort}.
     */
    HastAddress address(Section.Setting setting, String keyword, int defaultPort, Accepts accepts)
            throws ConfigException {
        String text = text(Optional.of(setting), keyword, MAX_ADDRESS).orElseThrow();
        HastAddress address;
        try {
            address = HastAddress.parse(text, defaultPort);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, setting.line(), keyword + ": " + e.getMessage());
        }
        if (!accepts.schemes.contains(address.scheme())) {
            throw new ConfigException(file, setting.line(),
                    keyword + " address '" + text + "' must be " + accepts.description);
        }
        if (address.scheme() == Scheme.UDS && address.path().length() > MAX_SOCKET_PATH) {
            throw new ConfigException(file, setting.line(), keyword + " socket path is too long ("
                    + address.path().length() + " bytes, at most " + MAX_SOCKET_PATH + ").");
        }
        return address;
    }
}
