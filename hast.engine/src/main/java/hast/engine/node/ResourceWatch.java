package hast.engine.node;

import hast.api.control.EngineConfiguration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One per resource configuration: tells the engine that it came, changed or went. The engine then
 * reads every configuration at once, so that a change of several is applied whole.
 */
@Component(configurationPid = EngineConfiguration.RESOURCE_FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ResourceSettings.class, factory = true)
public final class ResourceWatch {
    @Reference
    private HastEngine engine;

    @Activate
    void came() {
        engine.refreshLater();
    }

    @Modified
    void changed() {
        engine.refreshLater();
    }

    @Deactivate
    void gone() {
        engine.refreshLater();
    }
}
