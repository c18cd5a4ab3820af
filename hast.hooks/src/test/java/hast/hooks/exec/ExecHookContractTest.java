package hast.hooks.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;
import hast.testkit.Await;
import hast.testkit.EventListenerContract;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The exec hook runs the program once per event, with every argument passed through as it is. */
class ExecHookContractTest extends EventListenerContract {
    @TempDir
    Path dir;
    private ExecHook hook;

    @Override
    protected HastEventListener listener() {
        hook = new ExecHook(Duration.ofSeconds(60));
        return hook;
    }

    @AfterEach
    void stop() {
        hook.deactivate();
    }

    /** A program that records its arguments, NUL-separated, in a file of its own per run. */
    @Override
    protected String exec() throws IOException {
        Path program = dir.resolve("hook.sh");
        if (!Files.exists(program)) {
            Files.writeString(program, "#!/bin/sh\nf=$(mktemp \"" + dir + "/run.XXXXXX\")\n"
                    + "printf '%s\\0' \"$@\" > \"$f.tmp\" && mv \"$f.tmp\" \"$f.done\"\n");
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        }
        return program.toString();
    }

    @Override
    protected void delivered(HastEventListener listener, List<HastEvent> events) throws Exception {
        Await.until(events.size() + " runs of the hook", Duration.ofSeconds(30), () -> runs().size() == events.size());
        List<List<String>> expected = new ArrayList<>();
        for (HastEvent e : events) {
            List<String> argv = new ArrayList<>(List.of(e.type(), e.resource()));
            argv.addAll(e.details());
            expected.add(argv);
        }
        List<List<String>> seen = new ArrayList<>();
        for (Path run : runs()) {
            String args = Files.readString(run, StandardCharsets.UTF_8);
            seen.add(Arrays.asList(args.substring(0, args.length() - 1).split("\0", -1)));
        }
        // The runs are concurrent processes: compare as sets of argument lists.
        expected.sort((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
        seen.sort((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
        assertEquals(expected, seen);
    }

    private List<Path> runs() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".done")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
