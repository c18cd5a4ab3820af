package hast.engine.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import hast.api.HastException;
import hast.api.Sysexits;
import hast.engine.config.NodeIdentity;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalAdminTest {
    @TempDir
    Path dir;
    private Path conf;
    private final LocalAdmin admin = new LocalAdmin(NodeIdentity.named("n"));

    @BeforeEach
    void provider() throws Exception {
        conf = dir.resolve("hast.conf");
        Files.writeString(conf, "resource r { on n { local " + dir.resolve("r.img") + " remote none } }\n");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("r.img").toFile(), "rw")) {
            f.setLength(64 << 20);
        }
    }

    @Test
    void withoutKeepdirtyTheListHoldsAThousandTwentyFourExtentsNotTheReferencesSixtyFour() throws Exception {
        assertEquals(1024, admin.create(conf, "r", 0, 0, 0).keepdirty());
        assertEquals(1024, admin.dump(conf, "r").keepdirty());
        assertEquals(2 << 20, admin.dump(conf, "r").extentsize());
    }

    @Test
    void keepdirtyGivenIsStoredAsGiven() throws Exception {
        assertEquals(64, admin.create(conf, "r", 0, 64, 0).keepdirty());
        assertEquals(64, admin.dump(conf, "r").keepdirty());
        assertEquals(1, admin.create(conf, "r", 0, 1, 0).keepdirty());
    }

    @Test
    void theCommandLineSaysThatOtherKindsThanFilesAreCreatedAtTheConsole() throws Exception {
        String here = NodeIdentity.fromEnvironment().names().get(0);
        Files.writeString(conf, "resource m { on " + here + " { local s3://bucket/m remote none } }\n");
        HastException e = assertThrows(HastException.class, () -> new LocalAdmin().create(conf, "m", 0, 0, 0));
        assertEquals("Unable to open s3://bucket/m of resource m: no local provider serves s3://bucket/m (kind s3): no"
                + " LocalProviderFactory of that kind is registered (the command-line hastctl opens files and block"
                + " devices only; run it at hastd's console, where the bundles serving other kinds are)",
                e.getMessage());
        assertEquals(Sysexits.EX_NOINPUT, e.status());
    }
}
