package hast.api.device;

/**
 * A run of a device's bytes as its block status reports it.
 *
 * @param length bytes in the run, more than 0
 * @param hole   whether the run holds no data and reads as zeros now; false means data, or not
 *               known to be zeros
 */
public record Allocation(long length, boolean hole) {
    public Allocation {
        if (length <= 0) {
            throw new IllegalArgumentException("An allocation run of " + length + " bytes");
        }
    }
}
