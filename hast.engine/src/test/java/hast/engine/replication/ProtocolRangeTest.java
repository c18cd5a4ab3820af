package hast.engine.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ProtocolException;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class ProtocolRangeTest {
    @Test
    void theHighestVersionBothSpeakIsChosen() {
        assertEquals(OptionalInt.of(3), new ProtocolRange(3, 3).highestCommon(new ProtocolRange(3, 3)));
        assertEquals(OptionalInt.of(4), new ProtocolRange(3, 4).highestCommon(new ProtocolRange(3, 5)));
        assertEquals(OptionalInt.of(4), new ProtocolRange(3, 5).highestCommon(new ProtocolRange(4, 4)));
        assertEquals(OptionalInt.of(3), new ProtocolRange(3, 4).highestCommon(new ProtocolRange(2, 3)));
        assertEquals(OptionalInt.empty(), new ProtocolRange(4, 4).highestCommon(new ProtocolRange(3, 3)));
        assertEquals(OptionalInt.empty(), new ProtocolRange(3, 3).highestCommon(new ProtocolRange(4, 5)));
    }

    @Test
    void aFrameWithoutARangeComesFromANodeThatSpeaksOnlyItsVersion() throws ProtocolException {
        assertEquals(new ProtocolRange(3, 3), ProtocolRange.advertised(3, 0, 0));
        assertEquals(new ProtocolRange(2, 2), ProtocolRange.advertised(2, 0, 0));
        assertEquals(new ProtocolRange(3, 5), ProtocolRange.advertised(3, 3, 5));
        // A refusal for want of a common version is written in the peer's version, not the refuser's.
        assertEquals(new ProtocolRange(4, 4), ProtocolRange.advertised(3, 4, 4));
    }

    @Test
    void aMalformedRangeIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> ProtocolRange.advertised(3, 5, 4));
        assertThrows(ProtocolException.class, () -> ProtocolRange.advertised(3, 0, 4));
        assertThrows(ProtocolException.class, () -> ProtocolRange.advertised(3, 3, 256));
        assertThrows(ProtocolException.class, () -> ProtocolRange.advertised(3, -1, 3));
    }

    @Test
    void rangesReadAsLogsShowThem() {
        assertEquals("3", new ProtocolRange(3, 3).toString());
        assertEquals("3-4", new ProtocolRange(3, 4).toString());
    }
}
