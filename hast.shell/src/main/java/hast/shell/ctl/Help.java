package hast.shell.ctl;

/** hastctl's usage lines (as the reference prints them, plus reload) and its longer explanations. */
final class Help {
    static final String USAGE = String.join("\n",
            "usage: hastctl create [-d] [-c config] [-e extentsize] [-k keepdirty]",
            "\t\t[-m mediasize] name ...",
            "       hastctl role [-d] [-c config] <init | primary | secondary> all | name ...",
            "       hastctl list [-d] [-c config] [all | name ...]",
            "       hastctl status [-d] [-c config] [all | name ...]",
            "       hastctl dump [-d] [-c config] [all | name ...]",
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
            "  list     everything hastd knows of resources, with request statistics",
            "  status   one line per resource: status, role and components",
            "  dump     the metadata stored on resources' local providers (works without hastd)",
            "  reload   make hastd re-read its configuration file (as SIGHUP does)",
            "  help     this text, or 'hastctl help <subcommand>' for one subcommand",
            "",
            OPTIONS,
            "",
            "Exit status: 0 on success; 1 when hastd reports an error for a resource (1: unknown resource);",
            "64 bad usage; 65 bad data (unknown resource for create or dump, invalid sizes, unreadable",
            "metadata); 66 local provider cannot be opened; 69 hastd did not answer or is not running;",
            "71 no connection to hastd; 72 configuration file unreadable; 74 metadata cannot be written;",
            "78 configuration invalid.");

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
                    "usage: hastctl list [-d] [-c config] [all | name ...]",
                    "",
                    "Everything hastd knows of the named resources (default: all): role, provider and paths,",
                    "addresses, replication mode, status, export address, dirty bytes, synchronisation",
                    "progress and request statistics.");
            case "status" -> String.join("\n",
                    "usage: hastctl status [-d] [-c config] [all | name ...]",
                    "",
                    "One line per resource (default: all): name, status (complete when both nodes are in",
                    "step, degraded when they are not, - when idle), role and components (local path and",
                    "remote address).");
            case "dump" -> String.join("\n",
                    "usage: hastctl dump [-d] [-c config] [all | name ...]",
                    "",
                    "Prints the metadata stored on the local providers of the named resources (default: all),",
                    "without asking hastd: sizes, modification counters and the role last held.");
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
