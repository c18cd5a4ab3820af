package hast.engine.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import hast.api.HastAddress;

/**
 * A parsed hast.conf, resolved for this node.
 *
 * @param file      the file it was read from
 * @param control   the control socket (Unix-domain)
 * @param pidfile   the pidfile path
 * @param listen    the addresses to accept replication connections on
 * @param resources the resources in file order
 * @param user      the user hastd runs as once its sockets are open ({@code user}), or {@code null}
 *                  when the file names none
 * @param metricsListen where the metrics bundle serves ({@code metrics-listen}), or {@code null}:
 *                  metrics are off
 */
public record HastConfig(Path file, HastAddress control, String pidfile, List<HastAddress> listen,
        List<ResourceConfig> resources, String user, HastAddress metricsListen) {

    public HastConfig {
        listen = List.copyOf(listen);
        resources = List.copyOf(resources);
    }

    public Optional<ResourceConfig> resource(String name) {
        return resources.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
