package hast.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The JSON writer: structure, numbers, null, and escaping that keeps any Java string valid JSON. */
class JsonWriterTest {

    private static String string(String s) {
        return new JsonWriter().value(s).toString();
    }

    @Test
    void membersAndElementsAreSeparatedByCommasAtEveryDepth() {
        String json = new JsonWriter().beginObject()
                .field("a", 1).field("b", "x")
                .name("c").beginArray().value(1).value(-2).beginObject().endObject().beginArray().endArray().endArray()
                .name("d").nullValue()
                .name("e").beginObject().field("f", Long.MIN_VALUE).endObject()
                .name("g").unsigned(-1)
                .endObject().toString();
        assertEquals("{\"a\":1,\"b\":\"x\",\"c\":[1,-2,{},[]],\"d\":null,\"e\":{\"f\":-9223372036854775808},"
                + "\"g\":18446744073709551615}", json);
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\/\"".replace("\\/", "/"), string("a\"b\\c/"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", string("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u0001\\u001f\\u007f\"", string("\u0000\u0001\u001f\u007f"));
        assertEquals("\" ~\"", string(" ~"), "printable ASCII stays as it is");
    }

    @Test
    void nonAsciiStaysAsItIsAndPairsOfSurrogatesToo() {
        assertEquals("\"disque-été ✓ \uD83D\uDCBE\"", string("disque-été ✓ \uD83D\uDCBE"));
    }

    @Test
    void aSurrogateWithoutItsPartnerIsEscapedSoThatTheTextStaysValidUtf8() {
        String lone = "x\uD800y\uDC00z\uD83D";
        String json = string(lone);
        assertEquals("\"x\\ud800y\\udc00z\\ud83d\"", json);
        assertEquals(json, new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                "nothing is lost to UTF-8 encoding");
    }

    @Test
    void nullStringsAreJsonNull() {
        assertEquals("{\"x\":null}", new JsonWriter().beginObject().field("x", (String) null).endObject().toString());
    }
}
