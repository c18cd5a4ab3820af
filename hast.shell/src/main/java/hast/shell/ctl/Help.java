package hast.shell.ctl;

/**
 * hastctl's usage lines (the reference's, with --json and our events, await, verify, discard,
 * pause, resume, reload, loglevel and check added) and its longer explanations.
 */
public final class Help {
    static final String USAGE = "usage: hastctl create [-d] [-c config] [-e extentsize] [-k keepdirty]\n"
            + "\t\t[-m mediasize] name ...\n"
            + "       hastctl role [-d] [-f] [-c config] <init | primary | secondary> all | name ...\n"
            + "       hastctl list [-d] [-c config] [--json] [all | name ...]\n"
            + "       hastctl status [-d] [-c config] [--json] [all | name ...]\n"
            + "       hastctl dump [-d] [-c config] [--json] [all | name ...]\n"
            + "       hastctl events [-d] [-c config] [--json] [all | name ...]\n"
            + "       hastctl await [-d] [-c config] [-t seconds] condition [all | name ...]\n"
            + "       hastctl verify [-d] [-c config] name ...\n"
            + "       hastctl discard [-d] [-c config] [-y] name ...\n"
            + "       hastctl pause [-d] [-c config] all | name ...\n"
            + "       hastctl resume [-d] [-c config] all | name ...\n"
            + "       hastctl reload [-d] [-c config]\n"
            + "       hastctl loglevel [-d] [-c config] [error | warning | info | debug | trace]\n"
            + "       hastctl check [-d] [-c config] [node ...]\n"
            + "       hastctl help [subcommand]";

    /** The exit statuses of list and status, which scripts may rely on. */
    private static final String STATES = "Exit status: the worst state among the resources shown: 0 complete (primary or\n"
            + "secondary, connected, nothing left to copy), 5 idle (init), 2 degraded (not connected, or\n"
            + "copying), 3 inconsistent (this copy is being synchronised, or is outdated: 'role primary'\n"
            + "refuses it), 4 split-brain; 1 when a name is unknown.";

    private static final String OPTIONS = "Options:\n"
            + "  -c config   the configuration file (default /etc/hast.conf; inside hastd, the file it runs with)\n"
            + "  -d          print more (may be repeated)\n"
            + "  -h, --help  explain the subcommand";

    /** {@code hastctl help}; a constant, so that the Gogo command can carry it as its description. */
    public static final String GENERAL = USAGE + "\n"
            + "\n"
            + "hastctl controls HAST resources: block devices that hastd keeps replicated between two nodes.\n"
            + "\n"
            + "  create   initialise the metadata and activemap of resources' local providers\n"
            + "           (once on each node before first use; works without hastd)\n"
            + "  role     make resources init (idle), primary (serve and replicate) or secondary (receive)\n"
            + "  list     everything hastd knows of resources: synchronisation progress, request\n"
            + "           counters, error counters and queue depths\n"
            + "  status   one line per resource: status, role and components\n"
            + "  dump     the metadata stored on resources' local providers (works without hastd)\n"
            + "  events   the state of resources, then their events (role, connect, syncstart...) as they happen\n"
            + "  await    wait until resources are complete, connected, or have a role (for scripts)\n"
            + "  verify   compare both nodes' copies of primary resources, extent by extent, and have\n"
            + "           the differing extents synchronised\n"
            + "  discard  after a split-brain, give up this secondary's writes since the two parted: only\n"
            + "           the extents either node wrote since are copied from the primary\n"
            + "  pause    stop the synchronisation primary resources are sending, after the extents\n"
            + "           in flight (the resources stay degraded)\n"
            + "  resume   let a paused synchronisation go on where it stopped\n"
            + "  reload   make hastd re-read its configuration file (as SIGHUP does; a new syncrate\n"
            + "           applies to a synchronisation under way)\n"
            + "  loglevel show or change how much hastd logs, while it runs\n"
            + "  check    check a configuration file for this node and its peers, without disks or hastd\n"
            + "  help     this text, or 'hastctl help <subcommand>' for one subcommand\n"
            + "\n"
            + OPTIONS + "\n"
            + "  --json      list, status, dump: one JSON document; events: one JSON object per line\n"
            + "\n"
            + "Exit status: 0 on success; 1 when hastd reports an error for a resource (1: unknown resource),\n"
            + "or when verify found differences; list and status: 0 complete, 2 degraded, 3 inconsistent,\n"
            + "4 split-brain, 5 idle (init), the worst of the resources shown; role: 3 when 'primary' is\n"
            + "refused because the copy is inconsistent (-f forces it); 64 bad usage; 65 bad data\n"
            + "(unknown resource for create or dump, invalid sizes, unreadable metadata); 66 local provider\n"
            + "cannot be opened; 69 hastd did not answer or is not running, or verify or discard cannot run\n"
            + "(resource not primary, secondary not connected; for discard, not a secondary in split-brain;\n"
            + "for pause and resume, not primary or no synchronisation running or paused);\n"
            + "70 hastd refused a malformed request; 71 no connection to hastd; 72 configuration file\n"
            + "unreadable; 74 metadata cannot be written; 75 hastd is busy, try again, or await gave up; 77 the control socket\n"
            + "refused this user; 78 configuration invalid. See hastctl(8).\n";

    /** {@code hastctl create -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String CREATE = "usage: hastctl create [-d] [-c config] [-e extentsize] [-k keepdirty] [-m mediasize] name ...\n"
            + "\n"
            + "Writes fresh metadata (never paired, counters 0) and a clean activemap at the start of each\n"
            + "named resource's local provider, without asking hastd. This discards the HAST state of that\n"
            + "provider: run it on each node before first use, or to recover from a split-brain on the\n"
            + "node whose data is to be dropped (it then synchronises fully from the other node).\n"
            + "\n"
            + "  -e extentsize  bytes per activemap extent, a power of two (default 2M); smaller extents\n"
            + "                 mean less to copy after an outage but a larger activemap\n"
            + "  -k keepdirty   how many recently written extents stay marked dirty (default 1024; the\n"
            + "                 reference's is 64), which saves activemap updates for extents written\n"
            + "                 again soon at the price of copying them again after a crash\n"
            + "  -m mediasize   use only this many bytes of the provider (default: all of it)\n"
            + "Sizes take the suffixes k, M, G, T, P and E (powers of 1024, any case): -e 1M, -m 20G."
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl role -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String ROLE = "usage: hastctl role [-d] [-f] [-c config] <init | primary | secondary> all | name ...\n"
            + "\n"
            + "Changes the role of the named resources on this node ('all': every configured one).\n"
            + "  init       idle: no exported device, no replication\n"
            + "  primary    export the device and replicate every write to the other node\n"
            + "  secondary  receive the primary's writes; exports nothing\n"
            + "Requests under way finish in the old role first. Give -d to print each change.\n"
            + "primary returns once the device is exported; the connection to the secondary is made\n"
            + "in the background (hastctl await connected), and requests wait for its first attempt.\n"
            + "\n"
            + "hastd refuses to make primary a copy that is not consistent: one receiving a\n"
            + "synchronisation (the first, or one cut short), or one that learnt from the primary that\n"
            + "it is outdated; 'hastctl status' exits 3 for it. The refusal names the resource and why,\n"
            + "and exits 3.\n"
            + "  -f  force: make the copy primary all the same, serving clients what it holds now (part\n"
            + "      old, part new), as the copy the other node will be synchronised from. The\n"
            + "      deliberate way to take that risk; hastd logs it at warning level.\n"
            + "\n" + OPTIONS + "\n";
    /** {@code hastctl list -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String LIST = "usage: hastctl list [-d] [-c config] [--json] [all | name ...]\n"
            + "\n"
            + "Everything hastd knows of the named resources (default: all): role, provider and paths,\n"
            + "addresses, replication mode, codecs, status, export address, whether this node's copy is\n"
            + "consistent (yes, or no and why: a secondary being synchronised or outdated may not be\n"
            + "made primary), dirty bytes (on a secondary: what the primary still has to copy here),\n"
            + "synchronisation progress (percent done, rate, time left, or paused; on a secondary as\n"
            + "the primary reports it), on a primary the syncrate (mode and the limit in force, which\n"
            + "the dynamic mode moves with the write latency), request counters, local and remote error counters, and queue depths at this\n"
            + "moment:\n"
            + "  local  requests at the local disk (on a secondary: received, not yet carried out)\n"
            + "  send   requests waiting for the connection to the secondary (on a secondary: answers\n"
            + "         not yet written back)\n"
            + "  recv   requests on the wire, waiting for the secondary's answer\n"
            + "  done   requests acknowledged to the client while still being replicated (memsync, async)\n"
            + "  idle   I/O threads of the primary with nothing to do\n"
            + "  --json  one JSON document {\"resources\": [...]} with the same fields, numbers as numbers\n"
            + "          and null for a line the text leaves out, plus connected (true or false), state\n"
            + "          and consistency (consistent, incomplete, outdated; null when idle)\n"
            + STATES
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl status -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String STATUS = "usage: hastctl status [-d] [-c config] [--json] [all | name ...]\n"
            + "\n"
            + "One line per resource (default: all): name, status (complete when both nodes are in\n"
            + "step, degraded when they are not, - when idle), role and components (local path and\n"
            + "remote address); for a copy that may not be promoted, a last column 'inconsistent' with\n"
            + "why (outdated, synchronising and its percent, or waiting for the primary). On a primary\n"
            + "that synchronises, a last column with its percent, the rate limit in force and the\n"
            + "syncrate mode ('sync 42%, limit 50MB/s (50M)'), or 'sync paused at 42%'.\n"
            + "  --json  one JSON document {\"resources\": [...]} with the same fields, plus consistency\n"
            + "          (consistent, incomplete, outdated; null when idle) and state\n"
            + STATES
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl dump -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String DUMP = "usage: hastctl dump [-d] [-c config] [--json] [all | name ...]\n"
            + "\n"
            + "Prints the metadata stored on the local providers of the named resources (default: all),\n"
            + "without asking hastd: sizes, modification counters and the role last held.\n"
            + "  --json  one JSON document {\"resources\": [...]} with the same fields"
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl events -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String EVENTS = "usage: hastctl events [-d] [-c config] [--json] [all | name ...]\n"
            + "\n"
            + "Prints the state of each named resource (default: all) as a 'state' line (role, status,\n"
            + "connected or disconnected, and the state word of 'status'), then follows their events as\n"
            + "hastd raises them, one line each: time (UTC), resource, event and its details. A change\n"
            + "is in the state lines or among the events after them, never in neither. Events: role\n"
            + "(old and new role), connect, disconnect, syncstart, syncdone, syncintr, split-brain, and\n"
            + "ours: reload, verify-done (extents that differed, extents compared), auth-failed (peer,\n"
            + "why) and local-error (read, write, delete or flush, and the disk's error; once per kind\n"
            + "in 10 s). Runs until interrupted (Ctrl-C, SIGINT: exit 0) or until hastd goes away\n"
            + "(exit 69).\n"
            + "  -d      say on standard error once the events are followed (a script can wait for\n"
            + "          that line before it acts)\n"
            + "  --json  one JSON object per line: {\"time\", \"resource\", \"event\", \"details\": [...]}"
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl await -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String AWAIT = "usage: hastctl await [-d] [-c config] [-t seconds] condition [all | name ...]\n"
            + "\n"
            + "Returns once every named resource (default: all) meets the condition:\n"
            + "  complete   primary or secondary, connected, nothing left to copy (status exits 0)\n"
            + "  connected  the replication connection to the other node is up\n"
            + "  init, primary, secondary\n"
            + "             the resource has that role\n"
            + "  -t seconds  give up after this long (default: wait as long as it takes; 0: look once)\n"
            + "Exit status: 0 when the condition holds, 75 when the time ran out or it was interrupted\n"
            + "(the resources not there yet are named on standard error), 1 for an unknown resource."
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl verify -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String VERIFY = "usage: hastctl verify [-d] [-c config] name ...\n"
            + "\n"
            + "Compares the primary's copy of each named resource with the secondary's, extent by\n"
            + "extent, while clients go on using it: both nodes digest each extent with the resource's\n"
            + "checksum (SHA-256 when it is none) while writes to that extent wait. Extents that differ\n"
            + "are printed (offset and length, as clients address the device), marked dirty and copied\n"
            + "from the primary by a synchronisation pass; extents dirty already are skipped. Runs on\n"
            + "the primary, with the secondary connected. Interrupted (Ctrl-C), it stops after the extent\n"
            + "it is comparing; differences found so far are repaired all the same.\n"
            + "  -d      print progress on standard error\n"
            + "Exit status: 0 when both copies are equal, 1 when extents differed (they are being\n"
            + "repaired), 69 when the resource is not primary here or not connected."
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl discard -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String DISCARD = "usage: hastctl discard [-d] [-c config] [-y] name ...\n"
            + "\n"
            + "Recovers from a split-brain on the node whose data is to be given up, which must be the\n"
            + "secondary that refused its primary for the split-brain (hastctl status shows it). This\n"
            + "node's writes since the two parted are given up: at the primary's next attempt (within\n"
            + "30 s), the extents either node wrote since then are copied from the primary, and only\n"
            + "those (both activemaps say which), not the whole disk as after 'hastctl create'.\n"
            + "On a terminal hastctl asks for confirmation first.\n"
            + "  -y      confirm in advance (scripts, the console)\n"
            + "Exit status: 0 when done, 69 when the resource is not a secondary in split-brain here,\n"
            + "74 when its metadata cannot be written; nothing is changed then. 1 for an unknown resource."
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl pause -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String PAUSE = "usage: hastctl pause [-d] [-c config] all | name ...\n"
            + "\n"
            + "Pauses the synchronisation each named primary resource is sending ('all': every one that\n"
            + "is synchronising): the extents in flight are finished, then nothing more is copied until\n"
            + "'hastctl resume'. Clients go on as before. The resource stays degraded, and status and\n"
            + "list say the synchronisation is paused. Returns once it stopped. A pass interrupted while\n"
            + "paused (a disconnection) stays paused; a role change ends the pause.\n"
            + "Exit status: 0 when paused, 69 when the resource is not primary here or runs no\n"
            + "synchronisation, 1 for an unknown resource."
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl resume -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String RESUME = "usage: hastctl resume [-d] [-c config] all | name ...\n"
            + "\n"
            + "Lets a synchronisation paused by 'hastctl pause' go on where it stopped, at the\n"
            + "resource's syncrate ('all': every paused one).\n"
            + "Exit status: 0 when resumed, 69 when the resource is not primary here or has no paused\n"
            + "synchronisation, 1 for an unknown resource."
            + "\n\n" + OPTIONS + "\n";
    /** {@code hastctl reload -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String RELOAD = "usage: hastctl reload [-d] [-c config]\n"
            + "\n"
            + "Makes hastd re-read its configuration file. A file with errors is refused (the message\n"
            + "names file and line) and the running configuration stays in force. A new syncrate (or\n"
            + "sync-latency-target, sync-min-rate, sync-max-rate) applies to a synchronisation under way\n"
            + "without restarting it."
            + "\n\n" + OPTIONS + "\n";

    /** {@code hastctl loglevel -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String LOGLEVEL = "usage: hastctl loglevel [-d] [-c config] [error | warning | info | debug | trace]\n"
            + "\n"
            + "Prints the level of hastd's log; with a level, sets it first. 'debug' is hastd -d, 'trace'\n"
            + "hastd -dd; 'info' is the level hastd starts at without -d. The change lasts until hastd stops."
            + "\n\n" + OPTIONS + "\n";

    /** {@code hastctl check -h}; a constant, so that the Gogo command can carry it as its description. */
    public static final String CHECK = "usage: hastctl check [-d] [-c config] [node ...]\n"
            + "\n"
            + "Reads the configuration file as hastd would on each node named (by the names of its 'on'\n"
            + "sections), or on this node and every other node the file's resources name. No provider,\n"
            + "socket or daemon is touched, so a file can be checked before its disks exist or on another\n"
            + "machine. Prints one line per node with its resources; a problem is printed as\n"
            + "'<file>:<line>: <problem> (for <node>)'. On this node, an account named by 'user' must exist.\n"
            + "Exit status: 0 when valid for every node, 78 when invalid, 72 when the file cannot be read."
            + "\n\n" + OPTIONS + "\n";

    private Help() {
    }

    /** The explanation of {@code topic} (a subcommand, or "" for all of them), ending in a newline. */
    static String of(String topic) {
        return switch (topic) {
            case "create" -> CREATE;
            case "role" -> ROLE;
            case "list" -> LIST;
            case "status" -> STATUS;
            case "dump" -> DUMP;
            case "events" -> EVENTS;
            case "await" -> AWAIT;
            case "verify" -> VERIFY;
            case "discard" -> DISCARD;
            case "pause" -> PAUSE;
            case "resume" -> RESUME;
            case "reload" -> RELOAD;
            case "loglevel" -> LOGLEVEL;
            case "check" -> CHECK;
            default -> GENERAL;
        };
    }
}
