package hast.engine.local;

import java.io.IOException;

import hast.api.storage.LocalProvider;
import hast.api.storage.LocalProviderFactory;
import hast.testkit.LocalProviderContract;

/**
 * The test's third-party provider passes the provider contract, opened as the engine opens one:
 * through the registry, by the kind of its {@code local}.
 */
class MemoryDisksContractTest extends LocalProviderContract {
    private final LocalProviders providers = new LocalProviders();

    MemoryDisksContractTest() {
        providers.add(new MemoryDisks((int) SIZE), MemoryDisks.PROPERTIES);
    }

    @Override
    protected LocalProvider open(String name, long size) throws IOException {
        return providers.open("mem:" + name, new LocalProviderFactory.Options(false, false));
    }
}
