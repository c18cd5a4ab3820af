package hast.hooks.jsonlog;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import hast.api.event.HastEvent;
import hast.api.event.HastEventListener;
import hast.api.json.JsonWriter;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Appends every event to a file as one JSON object per line, in the events' one schema
 * ({@link HastEvent#toJson()}) with this hook's name added, e.g.
 * {@code {"type":"role","resource":"r0","details":["init","primary"],"time":"2026-12-01T18:00:00.123Z","exec":"","hook":"hast.hooks.jsonlog 0.1.0.SNAPSHOT"}}.
 * The file is the component property {@code file} (Configuration Admin, where one is installed),
 * else the framework or system property {@value #FILE_PROPERTY}; with neither, nothing is written.
 * {@code hook} names this bundle and its version, so a replaced bundle shows in the output.
 */
@Component(configurationPid = "hast.hooks.jsonlog")
public final class JsonLogHook implements HastEventListener {
    static final String FILE_PROPERTY = "hast.jsonlog.file";
    private static final Logger LOG = Logger.getLogger(JsonLogHook.class.getName());

    private final String hook;
    private final Writer out;

    @Activate
    public JsonLogHook(BundleContext context, Map<String, Object> properties) throws IOException {
        this(file(context, properties), context.getBundle().getSymbolicName() + " " + context.getBundle().getVersion());
    }

    JsonLogHook(Path file, String hook) throws IOException {
        this.hook = hook;
        if (file == null) {
            LOG.warning("hast.hooks.jsonlog: no file configured (component property 'file' or " + FILE_PROPERTY
                    + "); events are not written.");
            this.out = null;
        } else {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static Path file(BundleContext context, Map<String, Object> properties) {
        Object configured = properties.get("file");
        String name = configured != null ? configured.toString() : context.getProperty(FILE_PROPERTY);
        return name == null || name.isBlank() ? null : Path.of(name);
    }

    @Override
    public synchronized void onEvent(HastEvent event) {
        if (out == null) {
            return;
        }
        try {
            out.write(event.writeMembers(new JsonWriter().beginObject()).field("hook", hook).endObject().toString());
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "hast.hooks.jsonlog: cannot write " + event.type() + " of " + event.resource(), e);
        }
    }

    @Deactivate
    synchronized void deactivate() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
