package hast.checksum;

import hast.api.codec.Checksum;
import hast.testkit.ChecksumContract;

class Crc32ContractTest extends ChecksumContract {
    @Override
    protected Checksum checksum() {
        return new Crc32Checksum();
    }
}
