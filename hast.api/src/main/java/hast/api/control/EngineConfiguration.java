package hast.api.control;

/**
 * The names under which the engine takes its settings from OSGi Configuration Admin, for whoever
 * writes or shows them (hastd's shell, a console, an appliance's own code). Every other property
 * is a keyword of hast.conf(5) with its value as the file writes it; the engine's Metatype
 * describes each one.
 */
public final class EngineConfiguration {
    /** The node's configuration: the daemon's settings ({@code control}, {@code listen}...). */
    public static final String NODE_PID = "hast.node";
    /** The factory of the resources' configurations, one each. */
    public static final String RESOURCE_FACTORY_PID = "hast.resource";
    /** A resource configuration's property: the resource's name. */
    public static final String RESOURCE = "resource";
    /** The node configuration's property: the resources in the order hastctl lists them. */
    public static final String ORDER = "resources";
    /**
     * The node configuration's property: the file the settings were translated from, if any. hastd
     * writes every configuration from that file again at each reload.
     */
    public static final String FILE = "config";

    private EngineConfiguration() {
    }
}
