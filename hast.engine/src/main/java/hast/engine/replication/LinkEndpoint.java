package hast.engine.replication;

import java.time.Duration;

import hast.api.HastAddress;

/**
 * Where the primary's link goes and how long it waits: the resource's {@code remote}, {@code source}
 * and {@code timeout} as the configuration says now. A reload changes them without restarting the
 * link: a new address ends the connection (the next one goes there), a new timeout applies at once.
 *
 * @param source the local address to connect from, or {@code null} for any
 */
public record LinkEndpoint(HastAddress remote, HastAddress source, Duration timeout) {

    /** Whether a connection made to {@code earlier} must be made again to reach this endpoint. */
    boolean movedFrom(LinkEndpoint earlier) {
        return !remote.equals(earlier.remote) || !java.util.Objects.equals(source, earlier.source);
    }
}
