package hast.shell.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration as a console prints it: a line naming it, then a line per keyword with its
 * value (or its default, or {@code -}), its type and what it is for. A secret is never printed.
 */
public final class SettingsText {
    /** What a secret shows as. */
    public static final String MASK = "********";
    private static final String UNSET = "-";
    /** Longer values push their line's type and description further, rather than being cut. */
    private static final int VALUE_COLUMN = 32;

    private SettingsText() {
    }

    /** @param file the file the configurations come from (hastd's), or {@code null} */
    public static String of(StoredSettings.Stored stored, Description description, String file) {
        StringBuilder text = new StringBuilder(stored.pid()).append(" (").append(description.name());
        if (file != null) {
            text.append(", from ").append(file);
        }
        text.append(")\n");
        Map<String, Object> undescribed = new LinkedHashMap<>(stored.properties());
        List<String[]> rows = new ArrayList<>();
        for (Keyword k : description.keywords()) {
            Object value = undescribed.remove(k.id());
            rows.add(new String[] {k.id(), shown(k, value), k.type() + (k.list() ? " list" : ""), k.description()});
        }
        for (Map.Entry<String, Object> e : undescribed.entrySet()) {
            rows.add(new String[] {e.getKey(), String.join(" ", StoredSettings.strings(e.getValue())), "?",
                "not described: the engine refuses a keyword it does not know"});
        }
        int keyword = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int value = Math.min(VALUE_COLUMN, rows.stream().mapToInt(r -> r[1].length()).max().orElse(0));
        for (String[] r : rows) {
            text.append(String.format("  %-" + keyword + "s  %-" + value + "s  %-12s %s%n", (Object[]) r));
        }
        return text.toString().stripTrailing();
    }

    /** What a keyword's line shows for its value. */
    static String shown(Keyword k, Object value) {
        if (value == null) {
            return k.defaults().isEmpty() ? UNSET : String.join(" ", k.defaults()) + " (default)";
        }
        return k.secret() ? MASK : String.join(" ", StoredSettings.strings(value));
    }
}
