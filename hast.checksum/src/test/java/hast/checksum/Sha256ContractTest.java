package hast.checksum;

import hast.api.codec.Checksum;
import hast.testkit.ChecksumContract;

class Sha256ContractTest extends ChecksumContract {
    @Override
    protected Checksum checksum() {
        return new Sha256Checksum();
    }
}
