package hast.shell.gogo;

import hast.api.control.LogConsole;

import org.jline.reader.LineReader;

/**
 * Log lines for a console: printed above the prompt and whatever is being typed after it, which
 * JLine then draws again, instead of into the middle of them.
 */
final class PromptLog implements LogConsole {
    private final LineReader reader;

    /** @param reader the console's LineReader (typed Object by the caller, which must not link JLine) */
    PromptLog(Object reader) {
        this.reader = (LineReader) reader;
    }

    @Override
    public void print(String line) {
        reader.printAbove(line);
    }
}
