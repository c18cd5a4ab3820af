package hast.shell.settings;

import java.util.List;
import java.util.Optional;

/**
 * A configuration's kind as Metatype describes it: its name and keywords, in the order the engine
 * declares them.
 */
public record Description(String name, List<Keyword> keywords) {
    public Optional<Keyword> keyword(String id) {
        return keywords.stream().filter(k -> k.id().equals(id)).findFirst();
    }
}
