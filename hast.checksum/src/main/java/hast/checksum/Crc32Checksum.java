package hast.checksum;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import hast.api.codec.Checksum;
import hast.api.codec.HastChecksum;

import org.osgi.service.component.annotations.Component;

/**
 * crc32: zlib's CRC-32, sent as 4 bytes in little-endian order because hastd writes its uint32
 * in host order and the hosts it runs on are little-endian (x86, arm64).
 */
@Component
@HastChecksum("crc32")
public final class Crc32Checksum implements Checksum {
    private static final int LENGTH = 4;

    @Override
    public int length() {
        return LENGTH;
    }

    @Override
    public byte[] digest(ByteBuffer data) {
        CRC32 crc = new CRC32();   // a few words of state: cheaper than sharing one between threads
        crc.update(data.duplicate());
        int value = (int) crc.getValue();
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }
}
