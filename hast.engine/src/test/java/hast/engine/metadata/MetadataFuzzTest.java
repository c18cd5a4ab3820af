package hast.engine.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

import hast.testkit.fuzz.AllocationBudget;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.Timeout;

/**
 * The metadata block as a provider may hold it: foreign, torn, or forged. A block decodes to
 * metadata that encodes back to a block decoding to the same, or it is a
 * {@link MetadataFormatException} naming the case.
 */
@Timeout(10)
class MetadataFuzzTest {
    private static final int CRC_AT = ProviderLayout.METADATA_SIZE - 4;

    /**
     * Byte 0, when odd, asks for the block's checksum to be made right, so that the fields behind
     * it are reached (a forged block rather than a torn one); the rest is the block.
     */
    @FuzzTest
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] block = Arrays.copyOfRange(input, 1, input.length);
        if ((input[0] & 1) != 0) {
            block = Arrays.copyOf(block, ProviderLayout.METADATA_SIZE);
            CRC32C crc = new CRC32C();
            crc.update(block, 0, CRC_AT);
            ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putInt(CRC_AT, (int) crc.getValue());
        }
        byte[] provider = block;
        AllocationBudget.check("metadata", input, 64 << 10, 4, MetadataFormatException.class, () -> {
            Metadata md = MetadataCodec.decode(ByteBuffer.wrap(provider), "fuzz");
            assertEquals(md, MetadataCodec.decode(MetadataCodec.encode(md), "fuzz"), "metadata survives a round trip");
        });
    }
}
