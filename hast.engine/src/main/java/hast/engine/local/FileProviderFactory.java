package hast.engine.local;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

import hast.api.storage.HastLocalKind;
import hast.api.storage.LocalProvider;
import hast.api.storage.LocalProviderFactory;

import org.osgi.service.component.annotations.Component;

/** Opens regular files and block devices ({@link FileProvider}), the kinds a path names. */
@Component
@HastLocalKind({LocalProviderFactory.FILE, LocalProviderFactory.BLOCK})
public final class FileProviderFactory implements LocalProviderFactory {
    /** The service properties DS registers this factory with, for a registry filled without DS. */
    static final Map<String, Object> PROPERTIES =
            Map.of(KIND, new String[] {LocalProviderFactory.FILE, LocalProviderFactory.BLOCK});

    @Override
    public LocalProvider open(String local, Options options) throws IOException {
        Path path;
        try {
            path = Path.of(local);
        } catch (InvalidPathException e) {
            throw new IOException(local + " is not a path: " + e.getReason(), e);
        }
        return FileProvider.open(path, new FileProvider.Options(options.readOnly(), options.direct()));
    }
}
