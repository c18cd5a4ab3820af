package hast.engine.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import hast.api.Sysexits;
import hast.engine.config.Lexer.Kind;
import hast.engine.config.Lexer.Token;

/**
 * Reads hast.conf: FreeBSD's grammar (global settings, {@code on <node>} sections, {@code resource}
 * blocks with their own {@code on} sections) plus {@code export}. Syntax is checked here, against
 * which keywords each level allows; {@link ConfigAssembler} then resolves the file for this node.
 */
public final class ConfigParser {
    /** Keywords each kind of block accepts. */
    private static final Set<String> GLOBAL = Set.of("control", "pidfile", "listen", "replication", "checksum",
            "compression", "timeout", "exec", "metaflush", "export");
    private static final Set<String> GLOBAL_NODE = Set.of("control", "pidfile", "listen", "export");
    private static final Set<String> RESOURCE = Set.of("replication", "checksum", "compression", "timeout", "exec",
            "metaflush", "name", "local", "export");
    private static final Set<String> RESOURCE_NODE = Set.of("name", "local", "remote", "source", "metaflush",
            "export");
    /** Where a keyword is allowed, for error messages that say where to put it instead. */
    private static final Map<String, String> WHERE = Map.of(
            "remote", "only inside a resource's 'on <node>' section",
            "source", "only inside a resource's 'on <node>' section",
            "name", "only in a resource block or its 'on <node>' section",
            "local", "only in a resource block or its 'on <node>' section",
            "control", "only globally or in a global 'on <node>' section",
            "pidfile", "only globally or in a global 'on <node>' section",
            "listen", "only globally or in a global 'on <node>' section");

    private final NodeIdentity node;

    public ConfigParser(NodeIdentity node) {
        this.node = node;
    }

    /** Reads and resolves {@code file}. */
    public HastConfig parse(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(Sysexits.EX_OSFILE, file.toString(), 0, "no such file", e);
        } catch (IOException e) {
            throw new ConfigException(Sysexits.EX_OSFILE, file.toString(), 0, "unable to read: " + e.getMessage(), e);
        }
        return resolve(text, file.toString(), file);
    }

    /** Resolves {@code text} as if read from a file called {@code fileName}. */
    public HastConfig parse(String text, String fileName) throws ConfigException {
        return resolve(text, fileName, Path.of(fileName));
    }

    private HastConfig resolve(String text, String fileName, Path file) throws ConfigException {
        Syntax syntax = new Syntax(new Lexer(text, fileName), fileName);
        Section global = new Section();
        List<ConfigAssembler.ResourceBlock> resources = new ArrayList<>();
        syntax.file(global, resources);
        return new ConfigAssembler(node, fileName).assemble(file.toAbsolutePath(), global, resources);
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
                    block(block, RESOURCE, true, "a resource block");
                    resources.add(new ConfigAssembler.ResourceBlock(name, line, block));
                } else if (token.is("on")) {
                    nodeSection(global, GLOBAL_NODE, "a global 'on <node>' section");
                } else {
                    setting(global, GLOBAL, "the global section");
                }
            }
        }

        /** {@code { settings }}, with nested {@code on} sections where {@code nested}. */
        private void block(Section section, Set<String> allowed, boolean nested, String where) throws ConfigException {
            expect(Kind.OPEN, "'{'");
            while (token.kind() != Kind.CLOSE) {
                if (token.kind() == Kind.END) {
                    throw error("missing '}' at end of file (" + where + " is not closed)");
                }
                if (nested && token.is("on")) {
                    nodeSection(section, RESOURCE_NODE, "a resource's 'on <node>' section");
                } else {
                    setting(section, allowed, where);
                }
            }
            advance();
        }

        private void nodeSection(Section parent, Set<String> allowed, String where) throws ConfigException {
            int line = token.line();
            advance();
            String name = value("node name");
            Section settings = new Section();
            block(settings, allowed, false, where);
            parent.addNode(new Section.NodeSection(name, line, settings));
        }

        private void setting(Section section, Set<String> allowed, String where) throws ConfigException {
            Token keyword = token;
            if (keyword.kind() != Kind.KEYWORD || keyword.is("on") || keyword.is("resource")) {
                throw error(keyword.kind() == Kind.CLOSE ? "unexpected '}' (no block is open)"
                        : "unexpected " + keyword.describe() + " in " + where + " (expected a keyword)");
            }
            if (!allowed.contains(keyword.text())) {
                String hint = WHERE.get(keyword.text());
                throw error("'" + keyword.text() + "' is not allowed in " + where + (hint == null ? "" : " (allowed " + hint + ")"));
            }
            advance();
            Section.Setting setting = new Section.Setting(settingValue(keyword.text()), keyword.line());
            section.set(keyword.text(), setting, file);
        }

        /** The value of a keyword, by its type: a choice of keywords, a number, or a string. */
        private String settingValue(String keyword) throws ConfigException {
            return switch (keyword) {
                case "replication" -> choice(keyword, "fullsync", "memsync", "async");
                case "metaflush" -> choice(keyword, "on", "off");
                case "timeout" -> number(keyword);
                case "remote" -> token.is("none") ? take() : value("remote address");
                // Codec names are checked against the known codecs later, so new codecs need no grammar change.
                case "checksum", "compression" -> token.kind() == Kind.KEYWORD || token.kind() == Kind.WORD ? take()
                        : value(keyword);
                default -> value(keyword + " value");
            };
        }

        private String choice(String keyword, String... options) throws ConfigException {
            for (String o : options) {
                if (token.is(o)) {
                    return take();
                }
            }
            throw error("invalid " + keyword + " " + token.describe() + " (expected " + String.join(", ", options) + ")");
        }

        private String number(String keyword) throws ConfigException {
            if (token.kind() != Kind.NUMBER) {
                throw error(keyword + " needs a number of seconds, not " + token.describe());
            }
            return take();
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
