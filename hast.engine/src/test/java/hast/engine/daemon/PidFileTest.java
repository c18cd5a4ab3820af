package hast.engine.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import hast.api.HastException;
import hast.api.Sysexits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {
    @TempDir
    Path dir;

    @Test
    void holdsOurPidAndIsRemovedOnClose() throws Exception {
        Path file = dir.resolve("run/hastd.pid");
        try (PidFile pid = PidFile.acquire(file)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(file));
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void aSecondDaemonIsRefusedWithTheRunningPid() throws Exception {
        Path file = dir.resolve("hastd.pid");
        try (PidFile first = PidFile.acquire(file)) {
            HastException e = assertThrows(HastException.class, () -> PidFile.acquire(file));
            assertEquals(Sysexits.EX_TEMPFAIL, e.status());
            assertTrue(e.getMessage().contains("Another hastd is already running, pidfile: " + file + ", pid: " + ProcessHandle.current().pid()),
                    e.getMessage());
        }
    }

    @Test
    void aStalePidfileIsTakenOver() throws Exception {
        Path file = dir.resolve("hastd.pid");
        Files.writeString(file, "99999999\n");
        try (PidFile pid = PidFile.acquire(file)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(file));
        }
    }
}
