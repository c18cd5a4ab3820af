package hast.engine.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

import hast.api.Sysexits;
import hast.engine.config.Lexer.Kind;
import hast.engine.config.Lexer.Token;

/**
 * Reads hast.conf: FreeBSD's grammar (global settings, {@code on <node>} sections, {@code resource}
 * blocks with their own {@code on} sections) plus {@code export} (with {@code export-insecure},
 * {@code export-tls}, {@code export-tls-verify}), {@code direct}, {@code user}, {@code shared-secret},
 * {@code auth-alg}, {@code link-tls}, {@code link-tls-peer}, {@code metrics-listen} and the
 * synchronisation's pace ({@code syncrate} and its {@code sync-*} bounds). Syntax is checked here, against
 * which keywords each {@link Level} allows; {@link ConfigAssembler} then resolves the file for this
 * node.
 */
public final class ConfigParser {
    /** Every keyword hast.conf takes, wherever it may stand: what hast.conf(5) documents. */
    public static SortedSet<String> keywords() {
        return Level.keywords();
    }

    private final NodeIdentity node;

    public ConfigParser(NodeIdentity node) {
        this.node = node;
    }

    /** Reads and resolves {@code file}. */
    public HastConfig parse(Path file) throws ConfigException {
        return settings(file).config();
    }

    /**
     * Reads {@code file} and picks this node's settings: what hastd hands Configuration Admin.
     * Only {@link Settings#config} checks every value.
     */
    public Settings settings(Path file) throws ConfigException {
        return settings(read(file), file.toString(), file);
    }

    /**
     * The node names of the resources' {@code on} sections in {@code file}, in the order they
     * first appear: the nodes a configuration is meant for.
     */
    public static List<String> nodeNames(Path file) throws ConfigException {
        Syntax syntax = new Syntax(new Lexer(read(file), file.toString()), file.toString());
        List<ConfigAssembler.ResourceBlock> resources = new ArrayList<>();
        syntax.file(new Section(), resources);
        return resources.stream().flatMap(r -> r.block().nodes().stream()).map(Section.NodeSection::node)
                .distinct().toList();
    }

    private static String read(Path file) throws ConfigException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new ConfigException(Sysexits.EX_CONFIG, file.toString(), 0, "not a text file (invalid UTF-8)", e);
        } catch (NoSuchFileException e) {
            throw new ConfigException(Sysexits.EX_OSFILE, file.toString(), 0, "no such file", e);
        } catch (IOException e) {
            throw new ConfigException(Sysexits.EX_OSFILE, file.toString(), 0, "unable to read: " + e.getMessage(), e);
        }
    }

    /** Resolves {@code text} as if read from a file called {@code fileName}. */
    public HastConfig parse(String text, String fileName) throws ConfigException {
        return settings(text, fileName, Path.of(fileName)).config();
    }

    private Settings settings(String text, String fileName, Path file) throws ConfigException {
        Syntax syntax = new Syntax(new Lexer(text, fileName), fileName);
        Section global = new Section();
        List<ConfigAssembler.ResourceBlock> resources = new ArrayList<>();
        syntax.file(global, resources);
        return new Settings(file.toAbsolutePath(), fileName, new ConfigAssembler(node, fileName).resolve(global, resources));
    }

    /** The recursive-descent reader over the token stream. */
    private static final class Syntax {
        private final Lexer lexer;
        private final String file;
        private Token token;

        Syntax(Lexer lexer, String file) throws ConfigException {
            this.lexer = lexer;
            this.file = file;
            this.token = lexer.next();
        }

        void file(Section global, List<ConfigAssembler.ResourceBlock> resources) throws ConfigException {
            while (token.kind() != Kind.END) {
                if (token.is("resource")) {
                    int line = token.line();
                    advance();
                    String name = value("resource name");
                    Section block = new Section();
                    block(block, Level.RESOURCE);
                    resources.add(new ConfigAssembler.ResourceBlock(name, line, block));
                } else {
                    statement(global, Level.GLOBAL);
                }
            }
        }

        /** {@code { statements }} at {@code level}. */
        private void block(Section section, Level level) throws ConfigException {
            expect(Kind.OPEN, "'{'");
            while (token.kind() != Kind.CLOSE) {
                if (token.kind() == Kind.END) {
                    throw error("missing '}' at end of file (" + level.description() + " is not closed)");
                }
                statement(section, level);
            }
            advance();
        }

        /** A setting, or a nested {@code on <node>} section where the level holds them. */
        private void statement(Section section, Level level) throws ConfigException {
            Token keyword = token;
            boolean unreserved = keyword.kind() == Kind.WORD && Lexer.UNRESERVED.contains(keyword.text());
            if (keyword.kind() != Kind.KEYWORD && !unreserved) {
                throw error(notAKeyword(keyword, level));
            }
            if (!level.allows(keyword.text())) {
                throw error(level.misplaced(keyword.text()));
            }
            advance();
            if (keyword.is("on")) {
                String name = value("node name");
                Section settings = new Section();
                block(settings, level.nodeSection());
                section.addNode(new Section.NodeSection(name, keyword.line(), settings));
            } else {
                section.set(keyword.text(), new Section.Setting(settingValue(keyword.text()), keyword.line()), file);
            }
        }

        private static String notAKeyword(Token token, Level level) {
            return switch (token.kind()) {
                case CLOSE -> "unexpected '}' (no block is open)";
                case WORD -> "unknown keyword '" + token.text() + "' in " + level.description();
                default -> "unexpected " + token.describe() + " in " + level.description() + " (expected a keyword)";
            };
        }

        /** The value of a keyword, by its type: a choice of keywords, a number, or a string. */
        private String settingValue(String keyword) throws ConfigException {
            return switch (keyword) {
                case "replication" -> modeName();
                case "metaflush", "direct", "export-insecure", "export-tls-verify" -> choice(keyword, "on", "off");
                case "export-tls", "link-tls" -> value("TLS credentials directory");
                case "link-tls-peer" -> value("certificate name");
                case "export-allow" -> addressList();
                case "timeout" -> seconds();
                case "remote" -> token.is("none") ? take() : value("remote address");
                case "user" -> value("user name");
                case "metrics-listen" -> value("metrics address");
                case "shared-secret" -> secret();
                case "auth-alg" -> value("auth-alg name");
                case "checksum" -> codecName(keyword, CodecNames.CHECKSUM);
                case "compression" -> codecName(keyword, CodecNames.COMPRESSION);
                case "syncrate", "sync-latency-target", "sync-min-rate", "sync-max-rate" -> amount(keyword);
                default -> value(keyword + " value");
            };
        }

        /**
         * One or more addresses or CIDR blocks, separated by spaces, on the line of the first:
         * the list ends at the line's end or at the next keyword of ours. Their syntax is checked
         * when the export is assembled.
         */
        private String addressList() throws ConfigException {
            int line = token.line();
            List<String> ranges = new ArrayList<>();
            ranges.add(value("export-allow address or CIDR block"));
            while (token.kind() == Kind.WORD && token.line() == line && !Lexer.UNRESERVED.contains(token.text())) {
                ranges.add(take());
            }
            return String.join(" ", ranges);
        }

        private String choice(String keyword, String... options) throws ConfigException {
            for (String o : options) {
                if (token.is(o)) {
                    return take();
                }
            }
            throw error("invalid " + keyword + " " + token.describe() + " (expected " + String.join(", ", options)
                    + ")");
        }

        /** A rate or a time: digits alone, or with a unit ({@code 50M}, {@code 5ms}), or a word; checked when assembled. */
        private String amount(String keyword) throws ConfigException {
            if (token.kind() == Kind.NUMBER || token.kind() == Kind.WORD) {
                return take();
            }
            throw error("expected a " + keyword + " value, found " + token.describe());
        }

        private String seconds() throws ConfigException {
            if (token.kind() == Kind.NUMBER) {
                return take();
            }
            // '-' is a string character, so a negative number arrives as a word.
            if (token.kind() == Kind.WORD && token.text().matches("-[0-9]+")) {
                throw error("Negative or zero timeout.");
            }
            throw error("timeout needs a number of seconds, not " + token.describe());
        }

        /**
         * Any well-formed name, reserved word or not: whether a codec of that name exists is
         * decided later, so a new codec needs no change to the grammar.
         */
        private String codecName(String keyword, CodecNames names) throws ConfigException {
            boolean text = token.kind() == Kind.WORD || token.kind() == Kind.KEYWORD || token.kind() == Kind.NUMBER;
            if (!text || !names.isWellFormed(token.text())) {
                throw error("invalid " + keyword + " name " + token.describe()
                        + " (expected a codec name of lower-case letters, digits, '_' and '-')");
            }
            return take();
        }

        /**
         * A mode's name: any word, or one of the reference's (reserved words since FreeBSD), so
         * that a mode bundle brings a name of its own without a change to the grammar. Other
         * reserved words and our keywords are refused: {@code replication} followed by the next
         * setting is a forgotten value, not a mode called {@code resource} or {@code direct}.
         */
        private String modeName() throws ConfigException {
            boolean reference = token.kind() == Kind.KEYWORD && CodecNames.REPLICATION.isReference(token.text());
            boolean word = token.kind() == Kind.WORD && !Lexer.UNRESERVED.contains(token.text());
            if (reference || word && CodecNames.REPLICATION.isWellFormed(token.text())) {
                return take();
            }
            String why = switch (token.kind()) {
                case NUMBER -> " (a value of digits only is read as a number)";
                case KEYWORD -> " (it is a reserved word)";
                case WORD -> " (it is a keyword)";
                default -> "";
            };
            throw error("invalid replication " + token.describe() + why + "; expected a mode name of letters, digits"
                    + " and . - _ / : [ ] (the reference's are fullsync, memsync, async)");
        }

        /**
         * A secret is any word, digits only included; the parser's messages never repeat it (a
         * misplaced or doubled one is named by its keyword and line).
         */
        private String secret() throws ConfigException {
            if (token.kind() == Kind.WORD || token.kind() == Kind.NUMBER) {
                return take();
            }
            throw error("expected a shared-secret value of letters, digits and . - _ / : [ ], found "
                    + (token.kind() == Kind.KEYWORD ? "a reserved word" : token.describe()));
        }

        private String value(String what) throws ConfigException {
            if (token.kind() == Kind.WORD) {
                return take();
            }
            String why = switch (token.kind()) {
                case NUMBER -> " (a value of digits only is read as a number)";
                case KEYWORD -> " (it is a reserved word)";
                default -> "";
            };
            throw error("expected " + what + ", found " + token.describe() + why);
        }

        private void expect(Kind kind, String what) throws ConfigException {
            if (token.kind() != kind) {
                throw error("expected " + what + ", found " + token.describe());
            }
            advance();
        }

        private String take() throws ConfigException {
            String text = token.text();
            advance();
            return text;
        }

        private void advance() throws ConfigException {
            token = lexer.next();
        }

        private ConfigException error(String problem) {
            return new ConfigException(file, token.line(), problem);
        }
    }
}
