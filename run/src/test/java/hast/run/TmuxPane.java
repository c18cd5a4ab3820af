package hast.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A program in a real pseudo-terminal, as a person at a terminal runs it: a tmux server of its
 * own (its socket in the test's folder, so that no other tmux is touched), keys sent to the pane
 * and the screen read back. Every wait polls the screen until a condition holds or the deadline
 * passes.
 */
final class TmuxPane implements AutoCloseable {
    static final int COLUMNS = 200;
    private final Path socket;

    private TmuxPane(Path socket) {
        this.socket = socket;
    }

    /** Starts {@code command} (run by sh) in a new pane, its environment extended by {@code env}. */
    static TmuxPane start(Path dir, Map<String, String> env, String command) throws IOException, InterruptedException {
        TmuxPane pane = new TmuxPane(dir.resolve("tmux.sock"));
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-x", String.valueOf(COLUMNS), "-y", "50"));
        env.forEach((name, value) -> args.addAll(List.of("-e", name + "=" + value)));
        args.add(command);
        pane.tmux(args.toArray(String[]::new));
        // The pane stays after its program ends, so that its last words (an exit status) can be read.
        pane.tmux("set-option", "-g", "remain-on-exit", "on");
        return pane;
    }

    /** Types {@code text} literally (no key names). */
    void type(String text) throws IOException, InterruptedException {
        tmux("send-keys", "-l", text);
    }

    /** Presses keys by tmux's names: Enter, Tab, C-c, C-d, C-u. */
    void press(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** The screen and the lines scrolled off it, wrapped lines joined, trailing blanks removed. */
    String screen() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-J", "-S", "-1000").stripTrailing();
    }

    /** The last line of the screen with text on it: where the prompt and the typed input are. */
    String lastLine() throws IOException, InterruptedException {
        String[] lines = screen().split("\n");
        return lines[lines.length - 1];
    }

    /** Waits until the screen satisfies {@code condition}; fails with the screen at the deadline. */
    String await(String what, Predicate<String> condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Node.DEADLINE.toNanos();
        while (true) {
            String screen = screen();
            if (condition.test(screen)) {
                return screen;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; the screen:\n" + screen);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(Node.DEADLINE.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    /**
     * Kills what still runs in the pane, then ends the tmux server. Closing the terminal alone
     * is not enough: hastd takes the hang-up for a reload and runs on without its console.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            for (String pid : tmux("list-panes", "-a", "-F", "#{pane_pid}").strip().split("\n")) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
            }
        } catch (AssertionError | NumberFormatException serverGone) {
            // Nothing left to kill.
        }
        new ProcessBuilder("tmux", "-S", socket.toString(), "kill-server").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(Node.DEADLINE.toSeconds(),
                        TimeUnit.SECONDS);
    }
}
