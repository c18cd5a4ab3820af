package hast.shell.settings;

import java.util.List;

/**
 * One keyword of the engine's configurations as its Metatype describes it.
 *
 * @param id          the property's name: hast.conf's keyword
 * @param type        the value's type as a console says it ({@code string}, {@code password}...)
 * @param list        whether it takes several values ({@code listen}, {@code export-allow})
 * @param secret      whether its value must never be shown (Metatype's PASSWORD)
 * @param defaults    what an unset keyword means; empty when hast.conf's default is no fixed value
 * @param description what it is for
 */
public record Keyword(String id, String type, boolean list, boolean secret, List<String> defaults,
        String description) {
}
