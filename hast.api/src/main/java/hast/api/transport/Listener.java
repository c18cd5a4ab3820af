package hast.api.transport;

import java.io.Closeable;
import java.io.IOException;

import hast.api.HastAddress;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A listening socket. Closing it makes a blocked {@link #accept()} fail. Transport bundles
 * implement it (a consumer type, as {@link Connection}).
 */
@ConsumerType
public interface Listener extends Closeable {

    /** The address actually bound (with the kernel's port when 0 was asked). */
    HastAddress address();

    /** Waits for the next connection. */
    Connection accept() throws IOException;
}
