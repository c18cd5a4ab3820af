package hast.engine.daemon;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Map;

import hast.api.control.EngineConfiguration;
import hast.api.HastException;
import hast.api.Sysexits;
import hast.engine.config.Settings;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Writes hast.conf's settings into Configuration Admin: a factory configuration per resource,
 * named after it ({@code hast.resource~<name>}), then the node's, whose arrival starts the engine.
 * A configuration whose settings did not change is left alone; a resource no longer in the file
 * loses its configuration.
 */
final class SettingsPublication {

    private SettingsPublication() {
    }

    static void write(ConfigurationAdmin configurations, Settings settings) throws HastException {
        try {
            Map<String, Map<String, Object>> resources = settings.resourceProperties();
            for (Map.Entry<String, Map<String, Object>> r : resources.entrySet()) {
                configurations.getFactoryConfiguration(EngineConfiguration.RESOURCE_FACTORY_PID, r.getKey(), "?")
                        .updateIfDifferent(new Hashtable<>(r.getValue()));
            }
            Configuration[] all = configurations.listConfigurations(
                    "(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + EngineConfiguration.RESOURCE_FACTORY_PID + ")");
            for (Configuration c : all == null ? new Configuration[0] : all) {
                Object name = c.getProperties() == null ? null : c.getProperties().get(EngineConfiguration.RESOURCE);
                if (!resources.containsKey(String.valueOf(name))) {
                    c.delete();
                }
            }
            configurations.getConfiguration(EngineConfiguration.NODE_PID, "?")
                    .updateIfDifferent(new Hashtable<>(settings.nodeProperties()));
        } catch (IOException | InvalidSyntaxException e) {
            throw new HastException(Sysexits.EX_SOFTWARE, "Unable to store the configuration: " + e.getMessage(), e);
        }
    }

    /** Deletes the configurations {@link #write} made: the engine stops and its resources go. */
    static void withdraw(ConfigurationAdmin configurations) {
        try {
            Configuration[] ours = configurations.listConfigurations("(|(" + Constants.SERVICE_PID
                    + "=" + EngineConfiguration.NODE_PID + ")(" + ConfigurationAdmin.SERVICE_FACTORYPID + "="
                    + EngineConfiguration.RESOURCE_FACTORY_PID + "))");
            for (Configuration c : ours == null ? new Configuration[0] : ours) {
                c.delete();
            }
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            // Configuration Admin stopped first (the framework's stop): nothing outlives the framework.
        }
    }
}
