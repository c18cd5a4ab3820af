package hast.shell.ctl;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import hast.api.control.ResourceInfo;

/**
 * What {@code list} or {@code status} found out, kept as an object: the command-line client
 * prints it, the console returns it, so that a variable holds the resources themselves
 * ({@code $r = hastctl:status}, {@code $r resource test}) and Gogo prints the same text as the
 * client wherever the object is shown or piped.
 */
public final class ResourceReport {
    private final String subcommand;
    private final boolean json;
    /** Each name asked about, in order, with its resource when hastd knows it. */
    private final List<Entry> entries;

    private record Entry(String name, Optional<ResourceInfo> resource) {
    }

    ResourceReport(String subcommand, boolean json, List<String> names, java.util.function.Function<String,
            Optional<ResourceInfo>> lookup) {
        this.subcommand = subcommand;
        this.json = json;
        this.entries = names.stream().map(n -> new Entry(n, lookup.apply(n))).toList();
    }

    /** {@code status} (one line per resource) or {@code list} (everything). */
    public String subcommand() {
        return subcommand;
    }

    /** Whether {@code --json} asked for the document form. */
    public boolean json() {
        return json;
    }

    /** The resources hastd knows among those asked about. */
    public List<ResourceInfo> resources() {
        return entries.stream().flatMap(e -> e.resource().stream()).toList();
    }

    /** The resource named {@code name}, if it is in this report. */
    public ResourceInfo resource(String name) {
        return resources().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** The names asked about that hastd does not know. */
    public List<String> unknown() {
        return entries.stream().filter(e -> e.resource().isEmpty()).map(Entry::name).toList();
    }

    /**
     * As the client exits: {@link Hastctl#EHAST_NOENTRY} when a name was unknown, else the
     * status of the worst {@link ResourceState} among the resources (0 when all are complete).
     */
    public int exitStatus() {
        return unknown().isEmpty() ? ResourceState.worst(resources()).exitStatus() : Hastctl.EHAST_NOENTRY;
    }

    /** Prints the reference's text form, or the JSON document with {@code --json}. */
    public void print(PrintStream out) {
        boolean table = subcommand.equals("status");
        JsonOutput document = new JsonOutput();
        if (table && !entries.isEmpty() && !json) {
            out.println(Output.STATUS_HEADER);
        }
        for (Entry e : entries) {
            if (e.resource().isEmpty()) {
                if (json) {
                    document.error(e.name(), Hastctl.EHAST_NOENTRY);
                } else if (table) {
                    Output.statusError(out, e.name(), Hastctl.EHAST_NOENTRY);
                } else {
                    Output.listError(out, e.name(), Hastctl.EHAST_NOENTRY);
                }
            } else if (json) {
                if (table) {
                    document.status(e.resource().get());
                } else {
                    document.list(e.resource().get());
                }
            } else if (table) {
                Output.statusRow(out, e.resource().get());
            } else {
                Output.list(out, e.resource().get());
            }
        }
        if (json) {
            out.println(document.document());
        }
    }

    /** The printed form, without its last line end (Gogo adds one). */
    @Override
    public String toString() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            print(out);
        }
        String s = text.toString(StandardCharsets.UTF_8);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
