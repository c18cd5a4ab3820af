package hast.shell.gogo;

import hast.api.Role;
import hast.api.control.ResourceInfo;
import hast.shell.ctl.ResourceReport;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;

/**
 * How Gogo shows the console's results: a whole report as the client prints it (the status
 * table, the list), a report or resource inside another value (a list, a map) by name, and a
 * role by its label.
 */
@Component(service = Converter.class,
        property = {Converter.CONVERTER_CLASSES + "=hast.shell.ctl.ResourceReport",
            Converter.CONVERTER_CLASSES + "=hast.api.control.ResourceInfo", Converter.CONVERTER_CLASSES + "=hast.api.Role"})
public final class ReportFormat implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;  // nothing converts into a report
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof ResourceReport report) {
            return level == INSPECT ? report.toString()
                    : report.subcommand() + " " + report.resources().stream().map(ResourceInfo::name).toList();
        }
        if (target instanceof Role role) {
            return role.label();  // as hastctl writes it, not the enum's inside
        }
        if (target instanceof ResourceInfo resource && level != INSPECT) {
            return resource.name() + " (" + resource.role().label() + ")";
        }
        return null;
    }
}
