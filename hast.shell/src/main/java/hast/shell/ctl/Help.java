package hast.shell.ctl;

/**
 * hastctl's usage lines (the reference's, with --json and our events, verify and reload added)
 * and its longer explanations.
 */
final class Help {
    static final String USAGE = String.join("\n",
            "usage: hastctl create [-d] [-c config] [-e extentsize] [-k keepdirty]",
            "\t\t[-m mediasize] name ...",
            "       hastctl role [-d] [-c config] <init | primary | secondary> all | name ...",
            "       hastctl list [-d] [-c config] [--json] [all | name ...]",
            "       hastctl status [-d] [-c config] [--json] [all | name ...]",
            "       hastctl dump [-d] [-c config] [--json] [all | name ...]",
            "       hastctl events [-d] [-c config] [--json] [all | name ...]",
            "       hastctl verify [-d] [-c config] name ...",
            "       hastctl reload [-d] [-c config]",
            "       hastctl help [subcommand]");

    private static final String OPTIONS = String.join("\n",
            "Options:",
            "  -c config   the configuration file (default /etc/hast.conf; inside hastd, the file it runs with)",
            "  -d          print more (may be repeated)",
            "  -h, --help  explain the subcommand");

    private static final String GENERAL = String.join("\n",
            USAGE,
            "",
            "hastctl controls HAST resources: block devices that hastd keeps replicated between two nodes.",
            "",
            "  create   initialise the metadata and activemap of resources' local providers",
            "           (once on each node before first use; works without hastd)",
            "  role     make resources init (idle), primary (serve and replicate) or secondary (receive)",
            "  list     everything hastd knows of resources: synchronisation progress, request",
            "           counters, error counters and queue depths",
            "  status   one line per resource: status, role and components",
            "  dump     the metadata stored on resources' local providers (works without hastd)",
            "  events   follow resource events (role, connect, syncstart...) as they happen",
            "  verify   compare both nodes' copies of primary resources, extent by extent, and have",
            "           the differing extents synchronised",
            "  reload   make hastd re-read its configuration file (as SIGHUP does)",
            "  help     this text, or 'hastctl help <subcommand>' for one subcommand",
            "",
            OPTIONS,
            "  --json      list, status, dump: one JSON document; events: one JSON object per line",
            "",
            "Exit status: 0 on success; 1 when hastd reports an error for a resource (1: unknown resource),",
            "or when verify found differences; 64 bad usage; 65 bad data (unknown resource for create or",
            "dump, invalid sizes, unreadable metadata); 66 local provider cannot be opened; 69 hastd did not",
            "answer or is not running, or verify cannot run (resource not primary, secondary not connected);",
            "70 hastd refused a malformed request; 71 no connection to hastd; 72 configuration file",
            "unreadable; 74 metadata cannot be written; 75 hastd is busy, try again; 77 the control socket",
            "refused this user; 78 configuration invalid. See hastctl(8).");

    private Help() {
    }

    /** The explanation of {@code topic} (a subcommand, or "" for all of them), ending in a newline. */
    static String of(String topic) {
        String text = switch (topic) {
            case "create" -> String.join("\n",
                    "usage: hastctl create [-d] [-c config] [-e extentsize] [-k keepdirty] [-m mediasize] name ...",
                    "",
                    "Writes fresh metadata (never paired, counters 0) and a clean activemap at the start of each",
                    "named resource's local provider, without asking hastd. This discards the HAST state of that",
                    "provider: run it on each node before first use, or to recover from a split-brain on the",
                    "node whose data is to be dropped (it then synchronises fully from the other node).",
                    "",
                    "  -e extentsize  bytes per activemap extent, a power of two (default 2M); smaller extents",
                    "                 mean less to copy after an outage but a larger activemap",
                    "  -k keepdirty   how many recently written extents stay marked dirty (default 64), which",
                    "                 saves activemap updates for extents written again soon",
                    "  -m mediasize   use only this many bytes of the provider (default: all of it)",
                    "Sizes take the suffixes k, M, G, T, P and E (powers of 1024, any case): -e 1M, -m 20G.");
            case "role" -> String.join("\n",
                    "usage: hastctl role [-d] [-c config] <init | primary | secondary> all | name ...",
                    "",
                    "Changes the role of the named resources on this node ('all': every configured one).",
                    "  init       idle: no exported device, no replication",
                    "  primary    export the device and replicate every write to the other node",
                    "  secondary  receive the primary's writes; exports nothing",
                    "Requests under way finish in the old role first. Give -d to print each change.");
            case "list" -> String.join("\n",
                    "usage: hastctl list [-d] [-c config] [--json] [all | name ...]",
                    "",
                    "Everything hastd knows of the named resources (default: all): role, provider and paths,",
                    "addresses, replication mode, codecs, status, export address, dirty bytes, synchronisation",
                    "progress (percent done, rate, time left), request counters, local and remote error",
                    "counters, and queue depths at this moment:",
                    "  local  requests at the local disk (on a secondary: received, not yet carried out)",
                    "  send   requests waiting for the connection to the secondary (on a secondary: answers",
                    "         not yet written back)",
                    "  recv   requests on the wire, waiting for the secondary's answer",
                    "  done   requests acknowledged to the client while still being replicated (memsync, async)",
                    "  idle   I/O threads of the primary with nothing to do",
                    "  --json  one JSON document {\"resources\": [...]} with the same fields, numbers as numbers",
                    "          and null for a line the text leaves out");
            case "status" -> String.join("\n",
                    "usage: hastctl status [-d] [-c config] [--json] [all | name ...]",
                    "",
                    "One line per resource (default: all): name, status (complete when both nodes are in",
                    "step, degraded when they are not, - when idle), role and components (local path and",
                    "remote address).",
                    "  --json  one JSON document {\"resources\": [...]} with the same fields");
            case "dump" -> String.join("\n",
                    "usage: hastctl dump [-d] [-c config] [--json] [all | name ...]",
                    "",
                    "Prints the metadata stored on the local providers of the named resources (default: all),",
                    "without asking hastd: sizes, modification counters and the role last held.",
                    "  --json  one JSON document {\"resources\": [...]} with the same fields");
            case "events" -> String.join("\n",
                    "usage: hastctl events [-d] [-c config] [--json] [all | name ...]",
                    "",
                    "Follows the events of the named resources (default: all) as hastd raises them, one line",
                    "each: time (UTC), resource, event and its details. Events: role (old and new role),",
                    "connect, disconnect, syncstart, syncdone, syncintr, split-brain, and ours: reload and",
                    "verify-done (extents that differed, extents compared). Runs until interrupted (Ctrl-C,",
                    "SIGINT) or until hastd stops, then exits 0.",
                    "  -d      say on standard error once the events are followed (a script can wait for",
                    "          that line before it acts)",
                    "  --json  one JSON object per line: {\"time\", \"resource\", \"event\", \"details\": [...]}");
            case "verify" -> String.join("\n",
                    "usage: hastctl verify [-d] [-c config] name ...",
                    "",
                    "Compares the primary's copy of each named resource with the secondary's, extent by",
                    "extent, while clients go on using it: both nodes digest each extent with the resource's",
                    "checksum (SHA-256 when it is none) while writes to that extent wait. Extents that differ",
                    "are printed (offset and length, as clients address the device), marked dirty and copied",
                    "from the primary by a synchronisation pass; extents dirty already are skipped. Runs on",
                    "the primary, with the secondary connected.",
                    "  -d      print progress on standard error",
                    "Exit status: 0 when both copies are equal, 1 when extents differed (they are being",
                    "repaired), 69 when the resource is not primary here or not connected.");
            case "reload" -> String.join("\n",
                    "usage: hastctl reload [-d] [-c config]",
                    "",
                    "Makes hastd re-read its configuration file. A file with errors is refused (the message",
                    "names file and line) and the running configuration stays in force.");
            default -> GENERAL;
        };
        return topic.isEmpty() || topic.equals("help") ? text + "\n" : text + "\n\n" + OPTIONS + "\n";
    }
}
