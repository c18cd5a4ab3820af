package hast.shell.gogo;

import static hast.shell.gogo.HastctlCommandsTest.SESSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import hast.api.HastException;
import hast.api.Role;
import hast.shell.ctl.ResourceReport;
import hast.shell.ctl.TestNode;


import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.Test;

/** What Gogo prints for the console's results. */
class ReportFormatTest {
    private final ReportFormat format = new ReportFormat();

    @Test
    void aReportShowsAsTheClientsTextAndByNameInsideOtherValues() throws HastException {
        TestNode node = new TestNode();
        HastctlCommands commands = new HastctlCommands(node, node);
        commands.bindNode(node);
        ResourceReport report = (ResourceReport) commands.status(SESSION, "idle");
        assertEquals(report.toString(), format.format(report, Converter.INSPECT, null));
        assertEquals("status [idle]", format.format(report, Converter.LINE, null));
        assertEquals("idle (init)", format.format(report.resource("idle"), Converter.PART, null));
    }

    @Test
    void aRoleShowsAsHastctlWritesItAndOtherObjectsAreLeftToGogo() {
        assertEquals("primary", format.format(Role.PRIMARY, Converter.INSPECT, null));
        assertNull(format.format("text", Converter.INSPECT, null));
    }
}
