package hast.geom;

import java.time.Duration;

import hast.api.guard.Admission;

/**
 * What one NBD listening address grants its clients, so that no stranger can exhaust the node
 * through it: time to negotiate, time for each blocked reply write, and places for clients, in
 * all and per address, both while they negotiate and once they are served.
 *
 * @param handshake              the whole negotiation, from accept to the export chosen (TLS included)
 * @param write                  one write of replies to a client that does not read them
 * @param drain                  how long withdrawing an export waits for its requests in flight
 * @param negotiatingPerListener clients negotiating at once on one address
 * @param negotiatingPerAddress  clients negotiating at once from one peer address
 * @param clientsPerListener     clients connected at once on one address, negotiating or served
 * @param clientsPerAddress      clients connected at once from one peer address
 * @param quiet                  how long an export goes without large requests before its idle
 *                               payload buffers are freed (after one to two such periods)
 */
record ExportLimits(Duration handshake, Duration write, Duration drain, int negotiatingPerListener,
        int negotiatingPerAddress, int clientsPerListener, int clientsPerAddress, Duration quiet) {

    /**
     * A negotiation takes a few round trips, TLS included; a reply write holds at most one read's
     * payload (1 MiB from the engine), which a client reading 20 KiB/s still takes within the
     * write deadline; a host uses a connection or a few per device (qemu one, nbdcopy four, the
     * kernel client one per queue). Remaking 16 MiB of buffers after 10 s of quiet costs a few
     * milliseconds; keeping them costs an idle daemon 16 MiB.
     */
    static final ExportLimits DEFAULT = new ExportLimits(Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(60), Admission.PER_LISTENER, Admission.PER_ADDRESS, 256, 64, Duration.ofSeconds(10));

    /** These limits with other times, for tests that exercise them. */
    ExportLimits withTimes(Duration newHandshake, Duration newWrite, Duration newDrain) {
        return new ExportLimits(newHandshake, newWrite, newDrain, negotiatingPerListener, negotiatingPerAddress,
                clientsPerListener, clientsPerAddress, quiet);
    }

    /** These limits with other places, for tests that exercise them. */
    ExportLimits withPlaces(int newNegotiatingPerListener, int newNegotiatingPerAddress, int newClientsPerListener,
            int newClientsPerAddress) {
        return new ExportLimits(handshake, write, drain, newNegotiatingPerListener, newNegotiatingPerAddress,
                newClientsPerListener, newClientsPerAddress, quiet);
    }

    /** These limits with another quiet period, for tests that wait for idle buffers to go. */
    ExportLimits withQuiet(Duration newQuiet) {
        return new ExportLimits(handshake, write, drain, negotiatingPerListener, negotiatingPerAddress,
                clientsPerListener, clientsPerAddress, newQuiet);
    }
}
