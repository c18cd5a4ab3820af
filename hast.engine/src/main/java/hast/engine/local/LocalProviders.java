package hast.engine.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import hast.api.storage.LocalProvider;
import hast.api.storage.LocalProviderFactory;

import org.osgi.framework.Constants;

/**
 * The local provider factories on the whiteboard, each found by the kinds of {@code local} it
 * serves (see {@link LocalProviderFactory} for how a value's kind is told). They are asked at each
 * open, so a factory that arrives is used from the next role change, and one that leaves takes
 * nothing from the resources that hold a provider it opened.
 */
public final class LocalProviders {
    private static final Logger LOG = Logger.getLogger(LocalProviders.class.getName());
    /** A URI scheme (RFC 3986) and its colon at the start of the value. */
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):");
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    /** One registration; {@code order} breaks ties of ranking in favour of the first one bound. */
    private record Registered(LocalProviderFactory factory, List<String> kinds, int ranking, long order) {
    }

    private static final Comparator<Registered> PREFERRED =
            Comparator.comparingInt(Registered::ranking).reversed().thenComparingLong(Registered::order);

    private final List<Registered> factories = new CopyOnWriteArrayList<>();
    private final AtomicLong bound = new AtomicLong();

    /**
     * Files and block devices only: what opens a {@code local} where there is no whiteboard (the
     * command-line hastctl, which runs on a plain class path, and engines built by tests).
     */
    public static LocalProviders filesOnly() {
        LocalProviders files = new LocalProviders();
        files.add(new FileProviderFactory(), FileProviderFactory.PROPERTIES);
        return files;
    }

    /** A factory registered with {@code properties}; those without {@link LocalProviderFactory#KIND} serve nothing. */
    public void add(LocalProviderFactory factory, Map<String, Object> properties) {
        List<String> kinds = strings(properties.get(LocalProviderFactory.KIND)).stream()
                .map(k -> k.toLowerCase(Locale.ROOT)).toList();
        int ranking = properties.get(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
        factories.add(new Registered(factory, kinds, ranking, bound.getAndIncrement()));
        LOG.fine(() -> "Local providers of kinds " + kinds + " are available.");
    }

    public void remove(LocalProviderFactory factory) {
        for (Registered r : factories) {
            if (r.factory() == factory && factories.remove(r)) {
                LOG.info(() -> "Local providers of kinds " + r.kinds() + " went away; resources holding one keep it"
                        + " until their role changes.");
            }
        }
    }

    /**
     * The kind of a {@code local} value: its URI scheme, lower-cased, when it starts with one;
     * else {@code block} for a block device and {@code file} for any other path.
     */
    public static String kind(String local) {
        Matcher scheme = SCHEME.matcher(local);
        if (scheme.lookingAt()) {
            return scheme.group(1).toLowerCase(Locale.ROOT);
        }
        try {
            if (Files.getAttribute(Path.of(local), "unix:mode") instanceof Integer mode && (mode & S_IFMT) == S_IFBLK) {
                return LocalProviderFactory.BLOCK;
            }
        } catch (IOException | InvalidPathException | UnsupportedOperationException notADevice) {
            // Missing, unreadable or not a path the system takes: the file provider names the reason on open.
        }
        return LocalProviderFactory.FILE;
    }

    /**
     * Opens {@code local} with the factory of its kind.
     *
     * @throws IOException naming the kind when no factory serves it, else the factory's own
     */
    public LocalProvider open(String local, LocalProviderFactory.Options options) throws IOException {
        String kind = kind(local);
        LocalProviderFactory factory = serving(kind)
                .orElseThrow(() -> new IOException(unserved(local, kind)));
        return factory.open(local, options);
    }

    /** Why {@code local} cannot be opened for want of a factory; {@code null} when one serves its kind. */
    public String problem(String local) {
        String kind = kind(local);
        return serving(kind).isPresent() ? null : unserved(local, kind);
    }

    private Optional<LocalProviderFactory> serving(String kind) {
        return factories.stream().filter(r -> r.kinds().contains(kind)).min(PREFERRED).map(Registered::factory);
    }

    private static String unserved(String local, String kind) {
        return "no local provider serves " + local + " (kind " + kind + "): no LocalProviderFactory of that kind is"
                + " registered";
    }

    private static List<String> strings(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        return value instanceof String[] a ? List.of(a) : List.of();
    }
}
