package hast.api.transport;

import java.io.IOException;
import java.time.Duration;

import hast.api.HastAddress;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens connections for one or more address schemes. Transports are services; users pick the
 * one whose {@link #SCHEME} property lists the scheme of the address they hold.
 */
@ConsumerType
public interface Transport {
    /** Service property (String or String[]): the {@link HastAddress.Scheme} labels served, e.g. {@code tcp4}. */
    String SCHEME = "hast.transport.scheme";

    /** Starts listening on {@code address}; a port of 0 asks for any free port. */
    Listener listen(HastAddress address) throws IOException;

    /**
     * Connects to {@code remote}, binding to {@code source} first when it is not {@code null}.
     *
     * @throws java.net.SocketTimeoutException when no connection is made within {@code timeout}
     */
    Connection connect(HastAddress remote, HastAddress source, Duration timeout) throws IOException;
}
