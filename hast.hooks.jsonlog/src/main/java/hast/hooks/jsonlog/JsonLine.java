package hast.hooks.jsonlog;

import hast.api.event.HastEvent;

/** One event as a single-line JSON object (RFC 8259 strings; no line break can appear inside). */
final class JsonLine {
    private JsonLine() {
    }

    static String of(HastEvent event, String hook) {
        StringBuilder json = new StringBuilder(160).append("{\"type\":");
        string(json, event.type()).append(",\"resource\":");
        string(json, event.resource()).append(",\"details\":[");
        for (int i = 0; i < event.details().size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            string(json, event.details().get(i));
        }
        json.append("],\"time\":");
        string(json, event.time().toString()).append(",\"exec\":");
        string(json, event.exec()).append(",\"hook\":");
        return string(json, hook).append('}').toString();
    }

    private static StringBuilder string(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
