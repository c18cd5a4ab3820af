package hast.engine.node;

import hast.api.control.EngineConfiguration;
import hast.engine.config.Settings;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * What a console shows of the node's configuration ({@link EngineConfiguration#NODE_PID}): the daemon's
 * settings of hast.conf(5) under their keywords. Defaults are hast.conf's, declared where they are
 * a fixed value so that a console shows what an unset keyword means; the engine reads the values
 * through {@link Settings}, which checks them as in the file and applies the defaults itself.
 */
@ObjectClassDefinition(id = EngineConfiguration.NODE_PID, name = "HAST node",
        description = "The daemon's settings of hast.conf(5), resolved for this node.")
@interface NodeSettings {
    @AttributeDefinition(required = false, defaultValue = "uds:///var/run/hastctl",
            description = "Control socket (uds://path).")
    String control();

    @AttributeDefinition(required = false, defaultValue = "/var/run/hastd.pid", description = "Pidfile hastd takes.")
    String pidfile();

    @AttributeDefinition(required = false, cardinality = 32, defaultValue = "tcp4://0.0.0.0:8457",
            description = "Addresses to accept replication on.")
    String[] listen();

    @AttributeDefinition(required = false, description = "User hastd runs as once its sockets are open.")
    String user();

    @AttributeDefinition(required = false, description = "Where the metrics bundle serves; none: metrics off.")
    String metrics$_$listen();

    @AttributeDefinition(required = false, cardinality = 1024,
            description = "The resources in the order hastctl lists them; the others follow by name.")
    String[] resources();

    @AttributeDefinition(required = false, description = "The file these settings were translated from.")
    String config();
}
