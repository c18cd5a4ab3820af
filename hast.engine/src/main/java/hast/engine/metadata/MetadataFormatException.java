package hast.engine.metadata;

import hast.api.HastException;
import hast.api.Sysexits;

/** The metadata block of a provider cannot be used: absent, foreign, newer, torn or inconsistent. */
public final class MetadataFormatException extends HastException {
    private static final long serialVersionUID = 1L;

    MetadataFormatException(String message) {
        super(Sysexits.EX_DATAERR, message);
    }
}
