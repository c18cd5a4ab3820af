package hast.engine.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import hast.api.control.EngineConfiguration;

/** hast.conf into Configuration Admin's properties and back: the engine must see the file's configuration. */
class SettingsTest {
    private static final String FILE = """
            control uds:///tmp/hast-settings/ctl
            listen tcp4://127.0.0.1:7771
            replication fullsync
            timeout 7
            syncrate 50M
            shared-secret s3cret-of-ours
            on alpha {
              listen tcp4://127.0.0.2:7771
              pidfile /tmp/hast-settings/pid
              user nobody
            }
            resource zeta {
              compression lzf
              export-allow 127.0.0.1 127.0.0.0/8
              export tcp://127.0.0.1:10809
              export-insecure on
              on alpha {
                local /tmp/hast-settings/zeta
                remote 127.0.0.3
                metaflush off
              }
              on beta {
                local /elsewhere
                remote 127.0.0.1
              }
            }
            resource alpha1 {
              replication async
              on alpha {
                name provider1
                local /tmp/hast-settings/a
                remote none
                auth-alg hmac-sha512
              }
            }
            """;

    @TempDir
    Path dir;

    private final ConfigParser alpha = new ConfigParser(NodeIdentity.named("alpha"));

    @Test
    void theEngineBuildsTheFilesConfigurationFromTheProperties() throws Exception {
        Path file = Files.writeString(dir.resolve("hast.conf"), FILE);
        Settings settings = alpha.settings(file);
        Settings held = Settings.of(settings.nodeProperties(), new ArrayList<>(settings.resourceProperties().values()));
        assertEquals(alpha.parse(file), held.config());
    }

    @Test
    void onlyThisNodesSettingsAreHeldEachFromItsMostSpecificPlace() throws Exception {
        Settings settings = alpha.settings(Files.writeString(dir.resolve("hast.conf"), FILE));
        Map<String, Object> node = settings.nodeProperties();
        assertArrayEquals(new String[] {"tcp4://127.0.0.1:7771", "tcp4://127.0.0.2:7771"}, (String[]) node.get("listen"));
        assertEquals("/tmp/hast-settings/pid", node.get("pidfile"));
        assertArrayEquals(new String[] {"zeta", "alpha1"}, (String[]) node.get(EngineConfiguration.ORDER), "file order");
        Map<String, Object> zeta = settings.resourceProperties().get("zeta");
        assertEquals("/tmp/hast-settings/zeta", zeta.get("local"));
        assertEquals("fullsync", zeta.get("replication"), "a global default");
        assertEquals("s3cret-of-ours", zeta.get("shared-secret"));
        assertArrayEquals(new String[] {"127.0.0.1", "127.0.0.0/8"}, (String[]) zeta.get("export-allow"));
        assertEquals("off", zeta.get("metaflush"));
    }

    @Test
    void aConsoleMayTypeSwitchesAndNumbersAndLeaveTheOrderOut() throws Exception {
        Map<String, Object> resource = new HashMap<>(Map.of(EngineConfiguration.RESOURCE, "r", "local", "/tmp/r", "remote",
                "127.0.0.2", "timeout", 9, "metaflush", Boolean.FALSE, "service.pid", "hast.resource~r"));
        Map<String, Object> other = Map.of(EngineConfiguration.RESOURCE, "a", "local", "/tmp/a", "remote", "none");
        HastConfig config = Settings.of(Map.of(), List.of(resource, other)).config();
        assertEquals(List.of("a", "r"), config.resources().stream().map(ResourceConfig::name).toList());
        ResourceConfig r = config.resource("r").orElseThrow();
        assertEquals(9, r.timeout());
        assertEquals(false, r.metaflush());
    }

    @Test
    void aBadValueIsNamedWithItsConfiguration() {
        Map<String, Object> resource = Map.of(EngineConfiguration.RESOURCE, "r", "local", "/tmp/r", "remote", "127.0.0.2",
                "timeout", "-3");
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.of(Map.of(), List.of(resource)).config());
        assertEquals("configuration hast.resource (resource r): Negative or zero timeout.", e.getMessage());
    }

    @Test
    void aPropertyThatIsNoSettingIsRefused() {
        Map<String, Object> resource = Map.of(EngineConfiguration.RESOURCE, "r", "local", "/tmp/r", "remot", "127.0.0.2",
                "service.pid", "hast.resource~x");
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.of(Map.of(), List.of(resource)));
        assertEquals(true, e.getMessage().startsWith("configuration hast.resource~x (resource r): unknown setting 'remot'"),
                e.getMessage());
    }

    @Test
    void aResourceConfigurationNeedsItsName() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Settings.of(Map.of(), List.of(Map.of("local", "/tmp/r"))));
        assertEquals("configuration hast.resource: no 'resource' property (the resource's name).", e.getMessage());
    }
}
