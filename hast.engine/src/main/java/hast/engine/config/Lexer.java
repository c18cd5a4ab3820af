package hast.engine.config;

import java.util.Set;

/**
 * Splits hast.conf into tokens by the reference's rules: words of letters, digits and
 * {@code . - _ / : [ ]}; all-digit words are numbers; {@code #} starts a comment; braces nest.
 */
final class Lexer {
    /** The reserved words: a value spelled like one is read as the keyword, as FreeBSD does. */
    static final Set<String> KEYWORDS = Set.of("control", "pidfile", "listen", "replication", "checksum",
            "compression", "timeout", "exec", "metaflush", "resource", "name", "local", "remote", "source", "on",
            "off", "fullsync", "memsync", "async", "none", "crc32", "sha256", "hole", "lzf", "export");

    /**
     * Keywords of ours that are not reserved: they read as keywords only where a setting starts,
     * so a file written for FreeBSD that uses them as names (a resource called {@code user}, a
     * path called {@code direct}) means what it meant there.
     */
    static final Set<String> UNRESERVED = Set.of("direct", "user", "shared-secret", "auth-alg", "export-insecure",
            "export-tls", "export-tls-verify", "export-allow", "link-tls", "link-tls-peer", "metrics-listen", "syncrate",
            "sync-latency-target", "sync-min-rate", "sync-max-rate");

    enum Kind { WORD, NUMBER, KEYWORD, OPEN, CLOSE, END }

    /** A token and the 1-based line it is on. */
    record Token(Kind kind, String text, int line) {
        boolean is(String keyword) {
            return kind == Kind.KEYWORD && text.equals(keyword);
        }

        /** How an error message names this token. */
        String describe() {
            return kind == Kind.END ? "end of file" : "'" + text + "'";
        }
    }

    private final String text;
    private final String file;
    private int pos;
    private int line = 1;

    Lexer(String text, String file) {
        this.text = text;
        this.file = file;
    }

    Token next() throws ConfigException {
        skipBlanksAndComments();
        if (pos >= text.length()) {
            return new Token(Kind.END, "", line);
        }
        char c = text.charAt(pos);
        if (c == '{' || c == '}') {
            pos++;
            return new Token(c == '{' ? Kind.OPEN : Kind.CLOSE, String.valueOf(c), line);
        }
        int start = pos;
        while (pos < text.length() && isWordChar(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw new ConfigException(file, line, "unexpected character '" + printable(c)
                    + "' (values may contain only letters, digits and . - _ / : [ ])");
        }
        String word = text.substring(start, pos);
        if (word.chars().allMatch(Character::isDigit)) {
            return new Token(Kind.NUMBER, word, line);
        }
        return new Token(KEYWORDS.contains(word) ? Kind.KEYWORD : Kind.WORD, word, line);
    }

    private void skipBlanksAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_' || c == '/' || c == ':' || c == '[' || c == ']';
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
