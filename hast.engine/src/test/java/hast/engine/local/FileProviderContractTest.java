package hast.engine.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import hast.api.storage.LocalProvider;
import hast.testkit.LocalProviderContract;

import org.junit.jupiter.api.Nested;

/** The file provider passes the provider contract with buffered and with direct I/O. */
class FileProviderContractTest {
    static LocalProvider open(Path file, long size, boolean direct) throws IOException {
        if (!Files.exists(file)) {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(size);
            }
        }
        return FileProvider.open(file, new FileProvider.Options(false, direct));
    }

    @Nested
    class Buffered extends LocalProviderContract {
        @Override
        protected LocalProvider open(String name, long size) throws IOException {
            return FileProviderContractTest.open(dir.resolve(name), size, false);
        }
    }

    @Nested
    class Direct extends LocalProviderContract {
        @Override
        protected LocalProvider open(String name, long size) throws IOException {
            return FileProviderContractTest.open(dir.resolve(name), size, true);
        }
    }
}
