package hast.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The synchronisation's pace in hast.conf: syncrate and its sync-* bounds, globally and per resource. */
class SyncRateConfigTest {
    private static final long MIB = 1 << 20;
    private final ConfigParser alpha = new ConfigParser(NodeIdentity.named("alpha"));

    private SyncRateConfig parse(String global, String resourceBody) throws ConfigException {
        return alpha.parse(global + "\nresource r {\n" + resourceBody + "\n on alpha { local /dev/sdb remote 10.0.0.2 }\n}\n",
                "hast.conf").resources().get(0).syncrate();
    }

    @Test
    void theDefaultIsDynamicWithin5MsAtLeast10MiBPerSecond() throws Exception {
        SyncRateConfig c = parse("", "");
        assertEquals(SyncRateConfig.DEFAULT, c);
        assertTrue(c.dynamic());
        assertEquals(Duration.ofMillis(5), c.latencyTarget());
        assertEquals(10 * MIB, c.minRate());
        assertEquals(0, c.maxRate());
    }

    @Test
    void fixedRatesWithUnitsAndUnlimited() throws Exception {
        assertEquals(50 * MIB, parse("syncrate 50M", "").fixed());
        assertEquals("50M", parse("syncrate 50M", "").label());
        assertEquals(512 << 10, parse("syncrate 512K", "").fixed());
        assertEquals(1L << 30, parse("syncrate 1GiB/s", "").fixed());
        assertEquals(4096, parse("syncrate 4096", "").fixed());
        for (String unlimited : new String[] {"0", "unlimited"}) {
            SyncRateConfig c = parse("syncrate " + unlimited, "");
            assertEquals(0, c.fixed());
            assertFalse(c.dynamic());
            assertEquals("unlimited", c.label());
        }
    }

    @Test
    void theResourceBlockWinsOverTheGlobalSettings() throws Exception {
        SyncRateConfig c = parse("syncrate 10M\nsync-latency-target 2ms\nsync-min-rate 1M",
                "syncrate dynamic\nsync-max-rate 200M\nsync-latency-target 500us");
        assertTrue(c.dynamic());
        assertEquals(Duration.ofNanos(500_000), c.latencyTarget());
        assertEquals(MIB, c.minRate());
        assertEquals(200 * MIB, c.maxRate());
        assertEquals(Duration.ofSeconds(1), parse("sync-latency-target 1s", "").latencyTarget());
        assertEquals(Duration.ofMillis(20), parse("sync-latency-target 20", "").latencyTarget());
    }

    @Test
    void badValuesAreRefusedWithTheirLine() {
        ConfigException rate = assertThrows(ConfigException.class, () -> parse("\nsyncrate fast", ""));
        assertEquals(2, rate.line());
        assertTrue(rate.getMessage().contains("invalid syncrate 'fast' (expected bytes per second such as 512K,"
                + " 50M or 1G, or unlimited)"), rate.getMessage());
        ConfigException target = assertThrows(ConfigException.class, () -> parse("", "sync-latency-target 0ms"));
        assertTrue(target.getMessage().contains("invalid sync-latency-target '0ms'"), target.getMessage());
        ConfigException bounds = assertThrows(ConfigException.class,
                () -> parse("sync-min-rate 100M", "sync-max-rate 10M"));
        assertTrue(bounds.getMessage().contains("sync-max-rate 10485760 is below sync-min-rate 104857600"),
                bounds.getMessage());
        ConfigException misplaced = assertThrows(ConfigException.class,
                () -> alpha.parse("resource r { on alpha { local /dev/sdb remote none syncrate 1M } }", "hast.conf"));
        assertTrue(misplaced.getMessage().contains("unexpected 'syncrate' in a resource's 'on <node>' section"),
                misplaced.getMessage());
        ConfigException huge = assertThrows(ConfigException.class, () -> parse("syncrate 999999999999G", ""));
        assertTrue(huge.getMessage().contains("syncrate '999999999999G' is too large"), huge.getMessage());
        // Checked even while no resource takes the global value.
        assertThrows(ConfigException.class, () -> alpha.parse("syncrate 5X\n", "hast.conf"));
    }

    @Test
    void statusDescribesTheMode() {
        assertEquals("dynamic (latency target 5ms, 10M..unlimited)", SyncRateConfig.DEFAULT.describe());
        assertEquals("unlimited", SyncRateConfig.of("0", Duration.ofMillis(5), 0, 0).describe());
        assertEquals("dynamic (latency target 500us, 512K..1G)",
                SyncRateConfig.of("dynamic", Duration.ofNanos(500_000), 512 << 10, 1L << 30).describe());
    }
}
