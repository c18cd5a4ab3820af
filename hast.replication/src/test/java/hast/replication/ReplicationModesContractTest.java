package hast.replication;

import hast.api.replication.ReplicationMode;
import hast.testkit.ReplicationModeContract;

import org.junit.jupiter.api.Nested;

/** The three modes of the reference pass the contract a third-party mode must pass. */
class ReplicationModesContractTest {
    @Nested
    class Fullsync extends ReplicationModeContract {
        @Override
        protected ReplicationMode mode() {
            return new FullSync();
        }
    }

    @Nested
    class Memsync extends ReplicationModeContract {
        @Override
        protected ReplicationMode mode() {
            return new MemSync();
        }
    }

    @Nested
    class AsyncMode extends ReplicationModeContract {
        @Override
        protected ReplicationMode mode() {
            return new Async();
        }
    }
}
