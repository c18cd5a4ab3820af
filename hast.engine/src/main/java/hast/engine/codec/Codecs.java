package hast.engine.codec;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import hast.api.codec.Checksum;
import hast.api.codec.Compressor;

/**
 * The compressors and checksums this node can use right now: the built-in {@code none} and
 * {@code hole}, and whatever codec bundles have registered on the whiteboard. Links are told of
 * every change, so that they can tell their peer and stop using what has gone.
 */
public final class Codecs {
    /** No compression, no checksum. */
    public static final String NONE = "none";
    /** An all-zero block travels as its length only; every compressor but {@code none} tries it first. */
    public static final String HOLE = "hole";

    private final Map<String, Compressor> compressors = new ConcurrentHashMap<>();
    private final Map<String, Checksum> checksums = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public void addCompressor(String name, Compressor c) {
        if (!NONE.equals(name) && !HOLE.equals(name)) {
            compressors.put(name, c);
            changed();
        }
    }

    public void removeCompressor(Compressor c) {
        if (compressors.values().removeIf(x -> x == c)) {
            changed();
        }
    }

    public void addChecksum(String name, Checksum c) {
        if (!NONE.equals(name)) {
            checksums.put(name, c);
            changed();
        }
    }

    public void removeChecksum(Checksum c) {
        if (checksums.values().removeIf(x -> x == c)) {
            changed();
        }
    }

    /** The registered compressor of that name, or {@code null} (also for the built-in ones). */
    public Compressor compressor(String name) {
        return compressors.get(name);
    }

    /** The registered checksum of that name, or {@code null} (also for {@code none}). */
    public Checksum checksum(String name) {
        return checksums.get(name);
    }

    /** Every compression this node can decode, built-in ones included, sorted. */
    public Set<String> compressions() {
        Set<String> all = new TreeSet<>(compressors.keySet());
        all.add(NONE);
        all.add(HOLE);
        return all;
    }

    /** Every checksum this node can verify, {@code none} included, sorted. */
    public Set<String> checksums() {
        Set<String> all = new TreeSet<>(checksums.keySet());
        all.add(NONE);
        return all;
    }

    /** What this node can decode, as its peers are told. */
    public CodecSet decodable() {
        return new CodecSet(compressions(), checksums());
    }

    /** Runs {@code listener} after every change, until {@link #ignore}. */
    public void watch(Runnable listener) {
        listeners.add(listener);
    }

    public void ignore(Runnable listener) {
        listeners.remove(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }
}
