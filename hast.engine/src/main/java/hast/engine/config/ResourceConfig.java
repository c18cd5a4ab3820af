package hast.engine.config;

import hast.engine.codec.CodecChoice;
import hast.engine.replication.LinkSecret;
import hast.engine.replication.LinkTls;

/**
 * One resource as this node sees it, every setting resolved (node section over resource block
 * over global settings over defaults).
 *
 * @param remote  the peer's address, or {@code none} when the peer is not known yet
 * @param replication the name of the replication mode, as a mode registers it on the whiteboard
 * @param source  the local address outgoing connections bind to, or {@code null}
 * @param timeout seconds before a silent peer is declared gone
 * @param exec    the hook program, or the empty string for none
 * @param export  where and how the primary serves this resource over NBD, under the export
 *                name {@code provname}
 * @param direct  the local component is read and written with direct I/O (O_DIRECT), past the
 *                page cache
 * @param secret  the {@code shared-secret} both nodes prove they know before anything else
 *                crosses the link, with its {@code auth-alg}; {@code null} when none is
 *                configured (its {@code toString} shows no secret)
 * @param tls     the {@code link-tls} the link is carried in, with mutual certificate checking;
 *                {@code null} for a plain link
 * @param syncrate how fast a synchronisation from this node as primary may copy
 */
public record ResourceConfig(String name, String provname, String local, String remote, String source,
        String replication, String checksum, String compression, int timeout, String exec,
        boolean metaflush, ExportConfig export, boolean direct, LinkSecret secret,
        LinkTls tls, SyncRateConfig syncrate) {

    public static final String NO_REMOTE = "none";

    public boolean hasRemote() {
        return !NO_REMOTE.equals(remote);
    }

    /** The compression and checksum this node's frames use. */
    public CodecChoice codecs() {
        return new CodecChoice(compression, checksum);
    }
}
