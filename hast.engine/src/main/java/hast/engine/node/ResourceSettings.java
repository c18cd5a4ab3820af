package hast.engine.node;

import hast.engine.config.Settings;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * What a console shows of a resource's configuration (factory {@link Settings#RESOURCE_FACTORY_PID}):
 * a resource block of hast.conf(5), resolved for this node, under its keywords. Values are written
 * as in hast.conf ({@code on}/{@code off}, {@code 50M}, {@code tcp://host:port}); defaults are
 * hast.conf's.
 */
@ObjectClassDefinition(id = Settings.RESOURCE_FACTORY_PID, name = "HAST resource",
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

    @AttributeDefinition(required = false, description = "Replication mode; default memsync.")
    String replication();

    @AttributeDefinition(required = false, description = "Checksum of the frames; default none.")
    String checksum();

    @AttributeDefinition(required = false, description = "Compression of the frames; default hole.")
    String compression();

    @AttributeDefinition(required = false, description = "Seconds before a silent peer is gone; default 20.")
    String timeout();

    @AttributeDefinition(required = false, description = "Hook program run on events.")
    String exec();

    @AttributeDefinition(required = false, description = "on or off: metadata flushed at each change; default on.")
    String metaflush();

    @AttributeDefinition(required = false, description = "on: direct I/O on the local component; default off.")
    String direct();

    @AttributeDefinition(required = false, description = "NBD export of the primary; default uds:///run/hast/nbd.sock.")
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

    @AttributeDefinition(required = false, description = "HMAC of the shared secret; default hmac-sha256.")
    String auth$_$alg();

    @AttributeDefinition(required = false, description = "Directory of the link's TLS credentials.")
    String link$_$tls();

    @AttributeDefinition(required = false, description = "Name the peer's certificate must carry.")
    String link$_$tls$_$peer();

    @AttributeDefinition(required = false, description = "Synchronisation pace: dynamic, unlimited or a rate.")
    String syncrate();

    @AttributeDefinition(required = false, description = "Write latency the dynamic pace keeps under; default 5ms.")
    String sync$_$latency$_$target();

    @AttributeDefinition(required = false, description = "Floor of the dynamic pace; default 10M.")
    String sync$_$min$_$rate();

    @AttributeDefinition(required = false, description = "Ceiling of the dynamic pace; default none.")
    String sync$_$max$_$rate();
}
