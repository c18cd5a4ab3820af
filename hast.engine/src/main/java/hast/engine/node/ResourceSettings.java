package hast.engine.node;

import hast.api.control.EngineConfiguration;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * What a console shows of a resource's configuration (factory {@link EngineConfiguration#RESOURCE_FACTORY_PID}):
 * a resource block of hast.conf(5), resolved for this node, under its keywords. Values are written
 * as in hast.conf ({@code on}/{@code off}, {@code 50M}, {@code tcp://host:port}); defaults are
 * hast.conf's, declared where they are a fixed value so that a console shows what an unset
 * keyword means (the engine applies them from its own constants, not from here).
 */
@ObjectClassDefinition(id = EngineConfiguration.RESOURCE_FACTORY_PID, name = "HAST resource",
        description = "A resource of hast.conf(5), resolved for this node.")
@interface ResourceSettings {
    @AttributeDefinition(description = "The resource's name.")
    String resource();

    @AttributeDefinition(description = "Local component: a file or block device.")
    String local();

    @AttributeDefinition(description = "The peer's address (tcp://host:port), or none.")
    String remote();

    @AttributeDefinition(required = false, description = "Provider (export) name; default the resource's.")
    String name();

    @AttributeDefinition(required = false, description = "Local address outgoing connections bind to.")
    String source();

    @AttributeDefinition(required = false, defaultValue = "memsync", description = "Replication mode.")
    String replication();

    @AttributeDefinition(required = false, defaultValue = "none", description = "Checksum of the frames.")
    String checksum();

    @AttributeDefinition(required = false, defaultValue = "hole", description = "Compression of the frames.")
    String compression();

    @AttributeDefinition(required = false, defaultValue = "20", description = "Seconds before a silent peer is gone.")
    String timeout();

    @AttributeDefinition(required = false, description = "Hook program run on events.")
    String exec();

    @AttributeDefinition(required = false, defaultValue = "on",
            description = "on or off: metadata flushed at each change.")
    String metaflush();

    @AttributeDefinition(required = false, defaultValue = "off", description = "on: direct I/O on the local component.")
    String direct();

    @AttributeDefinition(required = false, defaultValue = "uds:///run/hast/nbd.sock",
            description = "NBD export of the primary.")
    String export();

    @AttributeDefinition(required = false, description = "on: a plain TCP export is accepted.")
    String export$_$insecure();

    @AttributeDefinition(required = false, description = "Directory of the export's TLS credentials.")
    String export$_$tls();

    @AttributeDefinition(required = false, description = "on: export clients must present a certificate.")
    String export$_$tls$_$verify();

    @AttributeDefinition(required = false, cardinality = 64, description = "Client addresses or CIDR blocks a TCP export lets in.")
    String[] export$_$allow();

    @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
            description = "Secret both nodes prove they know.")
    String shared$_$secret();

    @AttributeDefinition(required = false, defaultValue = "hmac-sha256", description = "HMAC of the shared secret.")
    String auth$_$alg();

    @AttributeDefinition(required = false, description = "Directory of the link's TLS credentials.")
    String link$_$tls();

    @AttributeDefinition(required = false, description = "Name the peer's certificate must carry.")
    String link$_$tls$_$peer();

    @AttributeDefinition(required = false, defaultValue = "dynamic",
            description = "Synchronisation pace: dynamic, unlimited or a rate.")
    String syncrate();

    @AttributeDefinition(required = false, defaultValue = "5ms",
            description = "Write latency the dynamic pace keeps under.")
    String sync$_$latency$_$target();

    @AttributeDefinition(required = false, defaultValue = "10M", description = "Floor of the dynamic pace.")
    String sync$_$min$_$rate();

    @AttributeDefinition(required = false, description = "Ceiling of the dynamic pace; default none.")
    String sync$_$max$_$rate();
}
