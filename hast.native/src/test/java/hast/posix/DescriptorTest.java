package hast.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Descriptors on real files: the calls hastd's log file and providers make. */
class DescriptorTest {
    @TempDir
    Path dir;

    @Test
    void aFileCreatedByOpenGetsTheModeAskedFor() throws Exception {
        Path log = dir.resolve("hastd.log");
        try (Descriptor d = Descriptor.open(log.toString(), Posix.O_WRONLY | Posix.O_CREAT, 0640)) {
            d.write(ByteBuffer.wrap("one\n".getBytes(StandardCharsets.US_ASCII)));
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertEquals("one\n", Files.readString(log));
    }

    @Test
    void writesThroughADuplicateLandInTheFileItWasMadeFrom() throws Exception {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        try (Descriptor target = Descriptor.open(first.toString(), Posix.O_WRONLY | Posix.O_CREAT, 0600)) {
            try (Descriptor source = Descriptor.open(second.toString(),
                    Posix.O_WRONLY | Posix.O_APPEND | Posix.O_CREAT, 0600)) {
                source.duplicateOnto(target.fd());
            }
            // The source is closed; its file stays open under the target's number.
            target.write(ByteBuffer.wrap("moved\n".getBytes(StandardCharsets.US_ASCII)));
        }
        assertEquals("", Files.readString(first));
        assertEquals("moved\n", Files.readString(second));
    }

    @Test
    void aMissingPathIsTheJdksNoSuchFileException() {
        IOException e = assertThrows(NoSuchFileException.class,
                () -> Descriptor.open(dir.resolve("absent").toString(), Posix.O_RDONLY));
        assertEquals(dir.resolve("absent").toString(), e.getMessage().split(":")[0]);
    }
}
