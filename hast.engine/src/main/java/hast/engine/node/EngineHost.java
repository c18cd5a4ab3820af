package hast.engine.node;

import hast.api.HastException;

/**
 * The process an engine runs in when it has one of its own (hastd's shell): it owns the settings'
 * source file, the privileges and the exit status. Without one (the engine in another framework)
 * the engine serves at once and its settings change only in Configuration Admin.
 */
public interface EngineHost {
    /**
     * The engine listens; it accepts primaries once {@link HastEngine#serve} is called (after the
     * host has dropped its privileges).
     */
    void started(HastEngine engine);

    /** The engine could not start: the host reports it and ends. */
    void failed(HastException problem);

    /**
     * Writes the settings into Configuration Admin again from their source, for a reload.
     *
     * @throws HastException naming what is wrong in the source; nothing was written then
     */
    void republish() throws HastException;
}
