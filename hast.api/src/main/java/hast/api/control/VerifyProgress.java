package hast.api.control;

import org.osgi.annotation.versioning.ConsumerType;

/** Hears how far a verification has got; called from the verifying thread after each extent. */
@ConsumerType
@FunctionalInterface
public interface VerifyProgress {
    /** {@code done} of {@code extents} extents are compared (or skipped) so far. */
    void compared(long done, long extents);
}
