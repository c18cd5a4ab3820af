package hast.shell.settings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import hast.api.HastException;
import hast.api.Sysexits;

import org.osgi.framework.Bundle;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Reads the engine's Metatype. The only class of this bundle that names the Metatype API, whose
 * import is optional: it is loaded only once a Metatype service is there, so that hast.shell
 * resolves and serves hastctl in a framework without one.
 */
public final class MetatypeDescriptions {
    private MetatypeDescriptions() {
    }

    /**
     * @param metatype a {@code MetaTypeService}, given as an object so that callers need not name its type
     * @param bundles  the framework's bundles, among which one (hast.engine) describes the PID
     * @param factory  whether {@code pid} is a factory PID
     * @throws HastException when no bundle describes it
     */
    public static Description describe(Object metatype, Bundle[] bundles, String pid, boolean factory)
            throws HastException {
        MetaTypeService service = (MetaTypeService) metatype;
        for (Bundle bundle : bundles) {
            MetaTypeInformation info = service.getMetaTypeInformation(bundle);
            String[] pids = info == null ? null : factory ? info.getFactoryPids() : info.getPids();
            if (pids != null && Arrays.asList(pids).contains(pid)) {
                ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
                List<Keyword> keywords = new ArrayList<>();
                for (AttributeDefinition a : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                    String[] defaults = a.getDefaultValue();
                    keywords.add(new Keyword(a.getID(), type(a.getType()), a.getCardinality() != 0,
                            a.getType() == AttributeDefinition.PASSWORD,
                            defaults == null ? List.of() : List.of(defaults), a.getDescription()));
                }
                return new Description(ocd.getName(), List.copyOf(keywords));
            }
        }
        throw new HastException(Sysexits.EX_UNAVAILABLE, "No bundle describes " + pid
                + " with Metatype: is hast.engine installed and started?");
    }

    private static String type(int type) {
        switch (type) {
            case AttributeDefinition.STRING:
                return "string";
            case AttributeDefinition.PASSWORD:
                return "password";
            case AttributeDefinition.BOOLEAN:
                return "boolean";
            case AttributeDefinition.INTEGER:
            case AttributeDefinition.LONG:
                return "integer";
            default:
                return "type " + type;
        }
    }
}
