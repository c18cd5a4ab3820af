package hast.api.control;

/**
 * How many requests of one resource wait or run in each stage at one moment, under the names of
 * the reference's queues. Stages this engine does not have stay 0; the manual (hastctl.8) says
 * what each number counts on a primary and on a secondary.
 *
 * @param local requests at the local disk: on a primary, admitted and not done with the local
 *              provider (waiting for an activemap mark, a synchronisation or an overlapping write
 *              included); on a secondary, received from the primary and not yet carried out
 * @param send  on a primary, requests for the secondary not yet written to the connection; on a
 *              secondary, answers not yet written back to the primary
 * @param recv  on a primary, requests on the wire waiting for the secondary's answer
 *              (synchronisation chunks and verification digests included)
 * @param done  requests acknowledged to the client whose replication is still under way
 *              (memsync and async acknowledge before the secondary has stored a write)
 * @param idle  I/O threads of a primary's pool with nothing to do
 */
public record Queues(long local, long send, long recv, long done, long idle) {
    public static final Queues EMPTY = new Queues(0, 0, 0, 0, 0);
}
