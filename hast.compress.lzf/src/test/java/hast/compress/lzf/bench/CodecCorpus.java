package hast.compress.lzf.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The data the codec benchmarks run on, made at set-up time (nothing is committed): English-like
 * text, zeros, random bytes, and a filesystem image that run/bench/codec-bench.sh builds with
 * mkfs.ext4 and debugfs. With {@code -Dhast.bench.data=DIR} every kind is read from
 * {@code DIR/<kind>.bin}, so that JMH and the native tools see the same bytes; {@code main(DIR)}
 * writes the three generated kinds there.
 */
public final class CodecCorpus {
    static final String DATA_DIR = "hast.bench.data";
    static final int DEFAULT_BYTES = 8 << 20;
    private static final Path LICENSES = Path.of("/usr/share/common-licenses");

    private CodecCorpus() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int bytes = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_BYTES;
        Files.createDirectories(dir);
        for (String kind : List.of("text", "zeros", "random")) {
            Files.write(dir.resolve(kind + ".bin"), generate(kind, bytes));
        }
    }

    /** The whole corpus of one kind. */
    static byte[] load(String kind) {
        String dir = System.getProperty(DATA_DIR);
        try {
            if (dir != null && Files.exists(Path.of(dir, kind + ".bin"))) {
                return Files.readAllBytes(Path.of(dir, kind + ".bin"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (kind.equals("fsimage")) {
            throw new IllegalStateException("no fsimage.bin in -D" + DATA_DIR + "=" + dir
                    + ": run/bench/codec-bench.sh makes one");
        }
        return generate(kind, DEFAULT_BYTES);
    }

    /**
     * The corpus cut into blocks of {@code blockSize} bytes. All-zero blocks are left out except
     * for the zeros kind: the engine sends those as holes and never asks a compressor.
     */
    static byte[][] blocks(String kind, int blockSize) {
        byte[] all = load(kind);
        List<byte[]> blocks = new ArrayList<>();
        byte[] zero = new byte[blockSize];
        for (int at = 0; at + blockSize <= all.length; at += blockSize) {
            byte[] b = Arrays.copyOfRange(all, at, at + blockSize);
            if (kind.equals("zeros") || !Arrays.equals(b, zero)) {
                blocks.add(b);
            }
        }
        if (blocks.isEmpty()) {
            throw new IllegalStateException(kind + ": no block of " + blockSize + " bytes with data");
        }
        return blocks.toArray(byte[][]::new);
    }

    static byte[] generate(String kind, int bytes) {
        switch (kind) {
            case "zeros":
                return new byte[bytes];
            case "random":
                byte[] r = new byte[bytes];
                new Random(0x4841_5354L).nextBytes(r);
                return r;
            case "text":
                return englishLike(bytes);
            default:
                throw new IllegalArgumentException("data kind: " + kind + " (expected: text, zeros, random, fsimage)");
        }
    }

    /**
     * Sentences from a word-pair model of the licence texts every Debian system carries: the
     * word frequencies and phrase repetition of real English prose, without repeating the source
     * verbatim (which a 1 MiB block would otherwise do many times over).
     */
    private static byte[] englishLike(int bytes) {
        List<String> words = sourceWords();
        Map<String, List<String>> next = new HashMap<>();
        for (int i = 0; i + 1 < words.size(); i++) {
            next.computeIfAbsent(words.get(i), w -> new ArrayList<>()).add(words.get(i + 1));
        }
        Random random = new Random(42);
        StringBuilder text = new StringBuilder(bytes + 64);
        String word = words.get(0);
        int column = 0;
        while (text.length() < bytes) {
            text.append(word);
            column += word.length() + 1;
            if (column > 72) {
                text.append('\n');
                column = 0;
            } else {
                text.append(' ');
            }
            List<String> followers = next.get(word);
            word = followers == null || random.nextInt(40) == 0
                    ? words.get(random.nextInt(words.size()))
                    : followers.get(random.nextInt(followers.size()));
        }
        return text.substring(0, bytes).getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> sourceWords() {
        List<String> words = new ArrayList<>();
        if (Files.isDirectory(LICENSES)) {
            try (Stream<Path> files = Files.list(LICENSES)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    words.addAll(Arrays.asList(Files.readString(f, StandardCharsets.ISO_8859_1).trim().split("\\s+")));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (words.size() < 1000) {
            words.addAll(Arrays.asList(("The primary node serves the block device and replicates every write to the "
                    + "secondary node, which stores it on its own provider; when the connection drops the primary "
                    + "marks the extents it writes as dirty and copies them again once the secondary is back.")
                    .split(" ")));
        }
        return words;
    }
}
