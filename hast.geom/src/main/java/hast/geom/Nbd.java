package hast.geom;

/** Numbers of the NBD protocol: fixed newstyle negotiation (with STARTTLS), simple and structured replies, block status. */
final class Nbd {
    static final long NBDMAGIC = 0x4e42444d41474943L;
    static final long IHAVEOPT = 0x49484156454F5054L;
    static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
    static final int REQUEST_MAGIC = 0x25609513;
    static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

    static final int FLAG_FIXED_NEWSTYLE = 1;
    static final int FLAG_NO_ZEROES = 2;
    /** The handshake flags this server sends; a client may echo only these. */
    static final int HANDSHAKE_FLAGS = FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES;

    static final int OPT_EXPORT_NAME = 1;
    static final int OPT_ABORT = 2;
    static final int OPT_LIST = 3;
    static final int OPT_STARTTLS = 5;
    static final int OPT_INFO = 6;
    static final int OPT_GO = 7;
    static final int OPT_STRUCTURED_REPLY = 8;
    static final int OPT_LIST_META_CONTEXT = 9;
    static final int OPT_SET_META_CONTEXT = 10;

    static final int REP_ACK = 1;
    static final int REP_SERVER = 2;
    static final int REP_INFO = 3;
    static final int REP_META_CONTEXT = 4;
    static final int REP_ERR_UNSUP = 0x80000001;
    static final int REP_ERR_INVALID = 0x80000003;
    static final int REP_ERR_TLS_REQD = 0x80000005;
    static final int REP_ERR_UNKNOWN = 0x80000006;

    static final int INFO_EXPORT = 0;
    static final int INFO_NAME = 1;
    static final int INFO_DESCRIPTION = 2;
    static final int INFO_BLOCK_SIZE = 3;

    static final int TFLAG_HAS_FLAGS = 1;
    static final int TFLAG_SEND_FLUSH = 1 << 2;
    static final int TFLAG_SEND_FUA = 1 << 3;
    static final int TFLAG_SEND_TRIM = 1 << 5;
    static final int TFLAG_SEND_WRITE_ZEROES = 1 << 6;
    static final int TFLAG_CAN_MULTI_CONN = 1 << 8;
    /** What every export offers: flush is device-wide, so several connections may share a device. */
    static final int TRANSMISSION_FLAGS = TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_FUA | TFLAG_SEND_TRIM
            | TFLAG_SEND_WRITE_ZEROES | TFLAG_CAN_MULTI_CONN;

    static final int CMD_READ = 0;
    static final int CMD_WRITE = 1;
    static final int CMD_DISC = 2;
    static final int CMD_FLUSH = 3;
    static final int CMD_TRIM = 4;
    static final int CMD_WRITE_ZEROES = 6;
    static final int CMD_BLOCK_STATUS = 7;

    static final int CMD_FLAG_FUA = 1;
    static final int CMD_FLAG_NO_HOLE = 2;
    static final int CMD_FLAG_REQ_ONE = 8;

    static final int REPLY_FLAG_DONE = 1;
    static final int REPLY_TYPE_OFFSET_DATA = 1;
    static final int REPLY_TYPE_BLOCK_STATUS = 5;
    static final int REPLY_TYPE_ERROR = (1 << 15) + 1;

    /** The one metadata context served, and the id SET_META_CONTEXT gives it. */
    static final String BASE_ALLOCATION = "base:allocation";
    static final int BASE_ALLOCATION_ID = 1;
    static final int STATE_HOLE = 1;
    static final int STATE_ZERO = 2;

    static final int EIO = 5;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ESHUTDOWN = 108;

    /** Bytes of a request header. */
    static final int REQUEST_HEADER = 28;
    /** Bytes of a simple reply header. */
    static final int REPLY_HEADER = 16;
    /** Bytes of a structured reply chunk's header. */
    static final int CHUNK_HEADER = 20;
    /** Longest string (export name, description) the protocol allows. */
    static final int MAX_STRING = 4096;
    /** Longest option payload accepted, read before the option is looked at: an EXPORT_NAME's name fits. */
    static final int MAX_OPTION = MAX_STRING;
    /**
     * Longest LIST_META_CONTEXT or SET_META_CONTEXT payload: an export name and a few queries
     * (clients ask for one or two contexts); more is refused as too long before it is read.
     */
    static final int MAX_META_OPTION = 4 * (4 + MAX_STRING);
    /** Information requests one INFO or GO may carry; the protocol defines four kinds. */
    static final int MAX_INFO_REQUESTS = 32;
    /** Longest INFO or GO payload: name length, a name of {@link #MAX_STRING}, count, requests. */
    static final int MAX_INFO_OPTION = 4 + MAX_STRING + 2 + 2 * MAX_INFO_REQUESTS;

    private Nbd() {
    }
}
