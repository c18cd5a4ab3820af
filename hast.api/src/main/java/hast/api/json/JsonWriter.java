package hast.api.json;

/**
 * A JSON text (RFC 8259) written front to back, compact: hastctl's {@code --json}, the events'
 * one schema ({@link hast.api.event.HastEvent#toJson()}) and any bundle's JSON lines. Strings are escaped
 * so that any Java string comes out as valid JSON in valid UTF-8: quotes, backslashes and
 * control characters as escapes, and a surrogate without its partner (which no UTF-8 encoder can
 * write) as a {@code \\u} escape too. Structure is the caller's: names go inside objects only.
 */
public final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    /** A value or name follows another in the same object or array: a comma goes first. */
    private boolean separate;

    public JsonWriter beginObject() {
        return open('{');
    }

    public JsonWriter endObject() {
        return close('}');
    }

    public JsonWriter beginArray() {
        return open('[');
    }

    public JsonWriter endArray() {
        return close(']');
    }

    /** The name of the next member of the enclosing object. */
    public JsonWriter name(String name) {
        comma();
        string(name);
        out.append(':');
        separate = false;
        return this;
    }

    /** A string, or {@code null} for JSON's null. */
    public JsonWriter value(String s) {
        comma();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        separate = true;
        return this;
    }

    public JsonWriter value(long n) {
        comma();
        out.append(n);
        separate = true;
        return this;
    }

    /** A 64-bit counter read as unsigned (resuid, localcnt, remotecnt). */
    public JsonWriter unsigned(long n) {
        comma();
        out.append(Long.toUnsignedString(n));
        separate = true;
        return this;
    }

    public JsonWriter nullValue() {
        return value((String) null);
    }

    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, boolean value) {
        name(name);
        out.append(value);
        separate = true;
        return this;
    }

    private JsonWriter open(char c) {
        comma();
        out.append(c);
        separate = false;
        return this;
    }

    private JsonWriter close(char c) {
        out.append(c);
        separate = true;
        return this;
    }

    private void comma() {
        if (separate) {
            out.append(',');
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || unpaired(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c)) {
                        out.append(c).append(s.charAt(++i));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A surrogate that is not half of a pair. */
    private static boolean unpaired(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c);
    }

    /** The text written so far. */
    @Override
    public String toString() {
        return out.toString();
    }
}
