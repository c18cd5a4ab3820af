package hast.api.cli;

import java.util.List;
import java.util.function.Predicate;

/**
 * getopt(3)'s reading of a command line, for hastd and hastctl alike: flags may be grouped
 * ({@code -dF}), a flag's value may be attached ({@code -c/etc/hast.conf}) or the next word,
 * {@code --} ends the options, a lone {@code -} is an operand, and {@code --name} is a long option.
 * What the flags and long options mean is the caller's.
 */
public final class Getopt {
    /** One piece of the command line, in the order given. */
    public sealed interface Token permits Flag, LongOption, Operand {
    }

    /** A one-letter flag, with its value when it takes one (else {@code null}). */
    public record Flag(char name, String value) implements Token {
    }

    /** {@code --name}, without the dashes. */
    public record LongOption(String name) implements Token {
    }

    /** A word that is not an option. */
    public record Operand(String text) implements Token {
    }

    /** Receives the tokens; may throw the caller's own usage error. */
    public interface Handler<E extends Exception> {
        void accept(Token token) throws E;
    }

    /** A flag that takes a value came last, with none. */
    public static final class MissingValue extends Exception {
        private static final long serialVersionUID = 1L;
        private final char flag;

        MissingValue(char flag) {
            super("option -" + flag + " needs a value");
            this.flag = flag;
        }

        public char flag() {
            return flag;
        }
    }

    private Getopt() {
    }

    /**
     * Reads {@code args}, handing each token to {@code handler} as it comes.
     *
     * @param valued whether a flag takes a value; asked as each flag comes, so the answer may
     *               depend on the tokens handled before it (hastctl's subcommand)
     */
    public static <E extends Exception> void read(List<String> args, Predicate<Character> valued, Handler<E> handler)
            throws E, MissingValue {
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                handler.accept(new Operand(arg));
            } else if (arg.equals("--")) {
                optionsEnded = true;
            } else if (arg.startsWith("--")) {
                handler.accept(new LongOption(arg.substring(2)));
            } else {
                for (int j = 1; j < arg.length(); j++) {
                    char flag = arg.charAt(j);
                    if (!valued.test(flag)) {
                        handler.accept(new Flag(flag, null));
                    } else if (j + 1 < arg.length()) {
                        handler.accept(new Flag(flag, arg.substring(j + 1)));
                        break;
                    } else if (i + 1 < args.size()) {
                        handler.accept(new Flag(flag, args.get(++i)));
                    } else {
                        throw new MissingValue(flag);
                    }
                }
            }
        }
    }
}
