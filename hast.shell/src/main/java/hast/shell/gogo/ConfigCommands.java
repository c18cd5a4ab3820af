package hast.shell.gogo;

import java.util.ArrayList;
import java.util.List;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.api.cli.Getopt;
import hast.api.control.EngineConfiguration;
import hast.shell.settings.Description;
import hast.shell.settings.Keyword;
import hast.shell.settings.MetatypeDescriptions;
import hast.shell.settings.SettingsText;
import hast.shell.settings.StoredSettings;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The engine's configurations in the Gogo shell: {@code hast:config} shows them as their Metatype
 * describes them, {@code hast:configure} changes one where nothing rewrites it (an engine outside
 * hastd). Gogo's own commands have none for Configuration Admin.
 */
@Component(service = ConfigCommands.class)
@GogoCommand(scope = "hast", function = {"config", "configure"})
public final class ConfigCommands {
    static final String CONFIG_HELP =
            "usage: hast:config [-h] [hast.node | resource ...]\n"
            + "Shows the engine's configurations in Configuration Admin: hast.node, then each hast.resource\n"
            + "(or those named), a line per keyword with its value, type and meaning. An unset keyword\n"
            + "shows its default, or - when hast.conf's default is no fixed value; the shared secret\n"
            + "shows as " + SettingsText.MASK + ". Needs a Metatype service (hast.jar has one).";
    static final String CONFIGURE_HELP =
            "usage: hast:configure [-h] [-u] <hast.node | resource> <keyword> [value ...]\n"
            + "Gives a keyword of one configuration a value, as hast.conf writes it (several for a list:\n"
            + "listen, export-allow), or with -u (--unset) removes it, so that its default applies. The\n"
            + "engine applies the change as a reload; a value it refuses is logged (\"Configuration not\n"
            + "reloaded: ...\") and the settings in force stay. Refused under hastd, which writes every\n"
            + "configuration from hast.conf again at each reload: edit the file and run hastctl reload.";
    /** The Metatype API is an optional import: the service is tracked by name, never by its class. */
    private static final String METATYPE = "org.osgi.service.metatype.MetaTypeService";

    private final BundleContext context;
    private final StoredSettings settings;
    private final ServiceTracker<Object, Object> metatype;

    @Activate
    public ConfigCommands(BundleContext context, @Reference ConfigurationAdmin configurations) {
        this.context = context;
        this.settings = new StoredSettings(configurations);
        this.metatype = new ServiceTracker<>(context, METATYPE, null);
        metatype.open();
    }

    @Deactivate
    void close() {
        metatype.close();
    }

    @Descriptor(CONFIG_HELP)
    public String config(@Descriptor("-h, or the configurations to show") String... args) throws HastException {
        Line line = Line.read(args, false);
        if (line.help()) {
            return CONFIG_HELP;
        }
        List<StoredSettings.Stored> shown = line.operands().isEmpty() ? settings.all()
                : settings.named(line.operands());
        if (shown.isEmpty()) {
            return "No configuration " + EngineConfiguration.NODE_PID + " or "
                    + EngineConfiguration.RESOURCE_FACTORY_PID + ": the engine waits for one.";
        }
        String file = settings.source().orElse(null);
        List<String> text = new ArrayList<>();
        for (StoredSettings.Stored s : shown) {
            text.add(SettingsText.of(s, describe(s), file));
        }
        return String.join("\n", text);
    }

    @Descriptor(CONFIGURE_HELP)
    public String configure(@Descriptor("[-u] <hast.node | resource> <keyword> [value ...]") String... args)
            throws HastException {
        Line line = Line.read(args, true);
        if (line.help()) {
            return CONFIGURE_HELP;
        }
        List<String> operands = line.operands();
        boolean unset = line.unset();
        if (operands.size() < 2) {
            throw usage("hast:configure: name a configuration and a keyword");
        }
        StoredSettings.Stored target = settings.named(operands.subList(0, 1)).get(0);
        String id = operands.get(1);
        List<String> values = operands.subList(2, operands.size());
        Description description = describe(target);
        Keyword keyword = description.keyword(id).orElseThrow(() -> usage("hast:configure: " + target.pid()
                + " has no keyword '" + id + "' (" + String.join(", ",
                        description.keywords().stream().map(Keyword::id).toList()) + ")"));
        if (!target.isNode() && id.equals(EngineConfiguration.RESOURCE)) {
            throw usage("hast:configure: a resource's name is its configuration's; give the new name a"
                    + " configuration of its own");
        }
        if (unset != values.isEmpty()) {
            throw usage(unset ? "hast:configure: -u takes no value" : "hast:configure: give " + id + " a value,"
                    + " or remove it with -u");
        }
        if (values.size() > 1 && !keyword.list()) {
            throw usage("hast:configure: " + id + " takes one value, not " + values.size());
        }
        settings.set(target, id, unset ? null : keyword.list() ? values.toArray(new String[0]) : values.get(0));
        String change = unset ? id + " removed (default: " + (keyword.defaults().isEmpty() ? "none"
                : String.join(" ", keyword.defaults())) + ")"
                : id + " set to " + (keyword.secret() ? SettingsText.MASK : String.join(" ", values));
        return target.pid() + ": " + change + "; the engine applies it as a reload (a value it refuses is logged,"
                + " and the settings in force stay).";
    }

    /** A command line read: its operands, and whether it asked for help or (hast:configure) removal. */
    private record Line(List<String> operands, boolean help, boolean unset) {
        static Line read(String[] args, boolean takesUnset) throws HastException {
            List<String> operands = new ArrayList<>();
            boolean[] help = new boolean[1];
            boolean[] removal = new boolean[1];
            try {
                Getopt.read(List.of(args), flag -> false, token -> {
                    if (token instanceof Getopt.Operand o) {
                        operands.add(o.text());
                    } else if (isOption(token, 'h', "help")) {
                        help[0] = true;
                    } else if (takesUnset && isOption(token, 'u', "unset")) {
                        removal[0] = true;
                    } else {
                        throw usage("unknown option " + (token instanceof Getopt.Flag f ? "-" + f.name()
                                : "--" + ((Getopt.LongOption) token).name()) + " (-h for help)");
                    }
                });
            } catch (Getopt.MissingValue cannotHappen) {
                throw new IllegalStateException("no option of these takes a value", cannotHappen);
            }
            return new Line(List.copyOf(operands), help[0], removal[0]);
        }
    }

    private static boolean isOption(Getopt.Token token, char flag, String name) {
        return token instanceof Getopt.Flag f && f.name() == flag
                || token instanceof Getopt.LongOption o && o.name().equals(name);
    }

    private Description describe(StoredSettings.Stored stored) throws HastException {
        Object service = metatype.getService();
        if (service == null) {
            throw new HastException(Sysexits.EX_UNAVAILABLE, "No Metatype service: it describes each keyword and"
                    + " tells which one is secret (install one, e.g. Apache Felix Metatype).");
        }
        return MetatypeDescriptions.describe(service, context.getBundles(),
                stored.isNode() ? EngineConfiguration.NODE_PID : EngineConfiguration.RESOURCE_FACTORY_PID,
                !stored.isNode());
    }

    private static HastException usage(String message) {
        return new HastException(Sysexits.EX_USAGE, message);
    }
}
