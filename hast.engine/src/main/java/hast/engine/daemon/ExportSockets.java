package hast.engine.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import hast.api.HastAddress;
import hast.api.HastException;
import hast.api.Sysexits;
import hast.engine.config.HastConfig;
import hast.engine.config.ResourceConfig;
import hast.engine.transport.SocketDirectory;
import hast.posix.Account;

/**
 * At start, before any resource can become primary: the directories of the Unix-socket exports
 * exist and are the daemon's alone, so that whoever can open an export is the daemon's user
 * (root, or the account it drops to). A directory someone else could write to stops the start.
 */
final class ExportSockets {

    private ExportSockets() {
    }

    /**
     * Makes the missing directories (mode 0700) and checks them all.
     *
     * @param account the account the daemon drops to, or empty when it keeps its user
     * @throws HastException with {@link Sysexits#EX_NOPERM}, naming the unsafe path
     */
    static void prepare(HastConfig config, Optional<Account> account) throws HastException {
        try {
            int owner = account.isPresent() ? account.get().uid() : SocketDirectory.currentUser();
            for (ResourceConfig r : config.resources()) {
                HastAddress export = r.export().address();
                if (export.scheme() == HastAddress.Scheme.UDS) {
                    SocketDirectory.prepare(Path.of(export.path()), owner);
                }
            }
        } catch (IOException e) {
            throw new HastException(Sysexits.EX_NOPERM, "Refusing to start: " + e.getMessage(), e);
        }
    }
}
