package hast.engine.node;

import hast.engine.config.Settings;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * What a console shows of the node's configuration ({@link Settings#NODE_PID}): the daemon's
 * settings of hast.conf(5) under their keywords. Defaults are hast.conf's; the engine reads the
 * values through {@link Settings}, which checks them as in the file.
 */
@ObjectClassDefinition(id = Settings.NODE_PID, name = "HAST node",
        description = "The daemon's settings of hast.conf(5), resolved for this node.")
@interface NodeSettings {
    @AttributeDefinition(required = false, description = "Control socket (uds://path); default uds:///var/run/hastctl.")
    String control();

    @AttributeDefinition(required = false, description = "Pidfile hastd takes; default /var/run/hastd.pid.")
    String pidfile();

    @AttributeDefinition(required = false, cardinality = 32,
            description = "Addresses to accept replication on; default tcp4://0.0.0.0:8457.")
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
