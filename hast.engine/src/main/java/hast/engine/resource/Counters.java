package hast.engine.resource;

import java.util.concurrent.atomic.LongAdder;

import hast.api.control.Statistics;
import hast.engine.codec.PayloadCodec;

/** Live request counters of one resource; {@link #snapshot()} is what hastctl shows. */
final class Counters {
    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder flushes = new LongAdder();
    final LongAdder activemapUpdates = new LongAdder();
    final LongAdder readErrors = new LongAdder();
    final LongAdder writeErrors = new LongAdder();
    final LongAdder deleteErrors = new LongAdder();
    final LongAdder flushErrors = new LongAdder();
    final LongAdder remoteErrors = new LongAdder();

    /**
     * @param codec how the role's data travels, whose byte and failure counts are included
     * @param modeRefusals requests refused for want of the configured replication mode (0 on a secondary)
     */
    Statistics snapshot(PayloadCodec codec, long modeRefusals) {
        return new Statistics(reads.sum(), writes.sum(), deletes.sum(), flushes.sum(), activemapUpdates.sum(),
                readErrors.sum(), writeErrors.sum(), deleteErrors.sum(), flushErrors.sum(), remoteErrors.sum(), codec.plainBytes(),
                codec.wireBytes(), codec.fallbacks(), codec.damaged(), 0, modeRefusals);
    }
}
