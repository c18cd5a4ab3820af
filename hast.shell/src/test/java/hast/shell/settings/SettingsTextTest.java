package hast.shell.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A configuration as the console prints it: values, defaults of unset keywords, the secret masked. */
class SettingsTextTest {
    private static final Description RESOURCE = new Description("HAST resource", List.of(
            new Keyword("resource", "string", false, false, List.of(), "The resource's name."),
            new Keyword("replication", "string", false, false, List.of("memsync"), "Replication mode."),
            new Keyword("exec", "string", false, false, List.of(), "Hook program run on events."),
            new Keyword("export-allow", "string", true, false, List.of(), "Client addresses."),
            new Keyword("shared-secret", "password", false, true, List.of(), "Secret both nodes prove they know.")));

    @Test
    void showsValuesDefaultsAndUndescribedPropertiesButNeverTheSecret() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("resource", "r0");
        properties.put("export-allow", new String[] {"127.0.0.1", "10.0.0.0/8"});
        properties.put("shared-secret", "never-shown");
        properties.put("synrate", "10M");
        String text = SettingsText.of(new StoredSettings.Stored("hast.resource~r0", "r0", properties), RESOURCE,
                "/etc/hast.conf");
        assertEquals(String.join("\n",
                "hast.resource~r0 (HAST resource, from /etc/hast.conf)",
                "  resource       r0                    string       The resource's name.",
                "  replication    memsync (default)     string       Replication mode.",
                "  exec           -                     string       Hook program run on events.",
                "  export-allow   127.0.0.1 10.0.0.0/8  string list  Client addresses.",
                "  shared-secret  ********              password     Secret both nodes prove they know.",
                "  synrate        10M                   ?            not described: the engine refuses a keyword it"
                        + " does not know"), text);
    }
}
