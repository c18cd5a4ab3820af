package hast.api.transport;

import java.io.Closeable;
import java.io.IOException;

import hast.api.HastAddress;

import org.osgi.annotation.versioning.ProviderType;

/** A listening socket. Closing it makes a blocked {@link #accept()} fail. */
@ProviderType
public interface Listener extends Closeable {

    /** The address actually bound (with the kernel's port when 0 was asked). */
    HastAddress address();

    /** Waits for the next connection. */
    Connection accept() throws IOException;
}
