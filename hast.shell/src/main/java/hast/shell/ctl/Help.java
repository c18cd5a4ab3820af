package hast.shell.ctl;

/** hastctl's usage line (as the reference prints it) and its longer explanations. */
final class Help {
    static final String USAGE = String.join("\n",
            "usage: hastctl create [-d] [-c config] [-e extentsize] [-k keepdirty]",
            "\t\t[-m mediasize] name ...",
            "       hastctl role [-d] [-c config] <init | primary | secondary> all | name ...",
            "       hastctl list [-d] [-c config] [all | name ...]",
            "       hastctl status [-d] [-c config] [all | name ...]",
            "       hastctl dump [-d] [-c config] [all | name ...]",
            "       hastctl reload [-d] [-c config]");

    private static final String COMMON = String.join("\n",
            "  -c config   configuration file (default /etc/hast.conf; inside the daemon, the one it runs with)",
            "  -d          print more (may be repeated)",
            "  -h, --help  this text");

    static final String GENERAL = String.join("\n",
            USAGE,
            "",
            "hastctl controls HAST resources: replicated block devices kept by hastd on two nodes.",
            "",
            "  create   initialise the metadata and activemap of a resource's local provider",
            "           (run on both nodes before first use; works without hastd)",
            "  role     make resources init, primary (serve and replicate) or secondary (receive)",
            "  list     every detail of resources, with statistics",
            "  status   one line per resource: status, role and components",
            "  dump     print the metadata stored on a resource's local provider (works without hastd)",
            "  reload   re-read the configuration file (like SIGHUP to hastd)",
            "",
            "'hastctl <subcommand> -h' explains one subcommand. Options:",
            COMMON,
            "",
            "Exit status: 0 on success; 1 when hastd reports an error for a resource (e.g. unknown);",
            "64 bad usage, 65 bad data (unknown resource for create/dump, invalid sizes), 66 provider",
            "cannot be opened, 71 no connection to hastd, 72/78 configuration unreadable/invalid,",
            "74 metadata cannot be written.",
            "");

    static String of(String subcommand) {
        String text = switch (subcommand) {
            case "create" -> String.join("\n",
                    "usage: hastctl create [-d] [-c config] [-e extentsize] [-k keepdirty] [-m mediasize] name ...",
                    "",
                    "Writes fresh metadata (never paired, counters 0) and a clean activemap at the start of each",
                    "named resource's local provider. It destroys the HAST state of that provider: run it once",
                    "per node before first use, or to recover from a split-brain on the node whose data you drop.",
                    "",
                    "  -e extentsize  bytes per activemap extent, a power of two (default 2M); smaller extents",
                    "                 mean less to copy after an outage and a larger activemap",
                    "  -k keepdirty   recently written extents kept marked dirty (default 64)",
                    "  -m mediasize   use only this much of the provider (default: all of it)",
                    "Sizes take the suffixes k, M, G, T, P, E (powers of 1024).");
            case "role" -> String.join("\n",
                    "usage: hastctl role [-d] [-c config] <init | primary | secondary> all | name ...",
                    "",
                    "  init       stop serving: the export closes after in-flight requests finish",
                    "  primary    serve the resource over NBD and replicate it to the other node",
                    "  secondary  receive the primary's updates",
                    "'all' means every configured resource.");
            case "list" -> String.join("\n",
                    "usage: hastctl list [-d] [-c config] [all | name ...]",
                    "",
                    "Everything hastd knows of the resources (all by default): role, provider, paths,",
                    "replication, status, export address, dirty bytes and request statistics.");
            case "status" -> String.join("\n",
                    "usage: hastctl status [-d] [-c config] [all | name ...]",
                    "",
                    "A table: name, status (complete, degraded, or - when idle), role and components.");
            case "dump" -> String.join("\n",
                    "usage: hastctl dump [-d] [-c config] [all | name ...]",
                    "",
                    "Prints the metadata stored on the local providers (all resources by default).");
            case "reload" -> String.join("\n",
                    "usage: hastctl reload [-d] [-c config]",
                    "",
                    "Asks hastd to re-read its configuration. A file with errors is refused (the message",
                    "names file and line) and the running configuration stays in force.");
            default -> GENERAL;
        };
        return text.endsWith("\n") ? text : text + "\n\nOptions:\n" + COMMON + "\n";
    }

    private Help() {
    }
}
