package hast.shell.ctl;

import hast.api.control.MetadataInfo;
import hast.api.control.Queues;
import hast.api.control.ResourceInfo;
import hast.api.control.Statistics;
import hast.api.control.SyncProgress;
import hast.api.control.SyncRate;
import hast.api.json.JsonWriter;

/**
 * The {@code --json} forms of list, status, dump and events. list, status and dump write one
 * document, {@code {"resources":[...]}}, each element with the fields of the text form under
 * the same names (spaces as underscores), numbers as numbers; an optional field the text form
 * leaves out is {@code null} here, so that every element has every field. A name the daemon
 * does not know is {@code {"name":...,"error":1}}. events writes one object per line, in the
 * events' one schema ({@link hast.api.event.HastEvent#toJson()}).
 */
final class JsonOutput {
    private final JsonWriter json = new JsonWriter().beginObject().name("resources").beginArray();

    void dump(MetadataInfo md) {
        json.beginObject()
                .field("name", md.resource())
                .field("datasize", md.datasize())
                .field("extentsize", md.extentsize())
                .field("keepdirty", md.keepdirty())
                .field("localoff", md.localoff())
                .name("resuid").unsigned(md.resuid())
                .name("localcnt").unsigned(md.localcnt())
                .name("remotecnt").unsigned(md.remotecnt())
                .field("prevrole", md.prevrole().label())
                .field("consistency", md.consistency().label())
                .endObject();
    }

    void status(ResourceInfo r) {
        json.beginObject()
                .field("name", r.name())
                .field("status", r.status())
                .field("role", r.role().label())
                .field("localpath", r.localpath())
                .field("remoteaddr", r.remoteaddr())
                .field("consistency", consistency(r))
                .field("state", ResourceState.of(r).label());
        json.name("syncrate");
        syncRate(r.syncrate());
        json.endObject();
    }

    /** A primary's syncrate: mode, limit (0: none) and paused; null elsewhere. */
    private void syncRate(SyncRate s) {
        if (s == null) {
            json.nullValue();
            return;
        }
        json.beginObject()
                .field("mode", s.mode())
                .field("limit", s.limit())
                .field("paused", s.paused())
                .endObject();
    }

    void error(String name, int error) {
        json.beginObject().field("name", name).field("error", error).endObject();
    }

    void list(ResourceInfo r) {
        json.beginObject()
                .field("name", r.name())
                .field("role", r.role().label())
                .field("provname", r.provname())
                .field("localpath", r.localpath())
                .field("extentsize", r.extentsize())
                .field("keepdirty", r.keepdirty())
                .field("remoteaddr", r.remoteaddr())
                .field("sourceaddr", r.sourceaddr())
                .field("replication", r.replication())
                .field("checksum", r.checksum())
                .field("compression", r.compression())
                .field("status", r.status())
                .field("exportaddr", r.exportaddr())
                .field("device", r.device())
                .field("problem", r.problem())
                .field("connected", r.connected())
                .field("protocol", r.protocol())
                .field("state", ResourceState.of(r).label())
                .field("consistency", consistency(r))
                .field("dirty", r.dirty());
        json.name("synchronization");
        synchronization(r.sync());
        json.name("syncrate");
        syncRate(r.syncrate());
        statistics(r.statistics(), r.queues());
        json.endObject();
    }

    /** consistent, incomplete or outdated; null in init. */
    private static String consistency(ResourceInfo r) {
        return r.consistency() == null ? null : r.consistency().label();
    }

    private void synchronization(SyncProgress p) {
        if (p == null) {
            json.nullValue();
            return;
        }
        json.beginObject()
                .field("total", p.total())
                .field("done", p.done())
                .field("percent", p.percent())
                .field("bytes_per_second", p.bytesPerSecond())
                .name("seconds_left");
        if (p.secondsLeft() < 0) {
            json.nullValue();
        } else {
            json.value(p.secondsLeft());
        }
        json.endObject();
    }

    private void statistics(Statistics s, Queues q) {
        json.name("statistics").beginObject()
                .field("reads", s.reads())
                .field("writes", s.writes())
                .field("deletes", s.deletes())
                .field("flushes", s.flushes())
                .field("activemap_updates", s.activemapUpdates())
                .name("local_errors").beginObject()
                .field("read", s.readErrors())
                .field("write", s.writeErrors())
                .field("delete", s.deleteErrors())
                .field("flush", s.flushErrors())
                .endObject()
                .name("queues").beginObject()
                .field("local", q.local())
                .field("send", q.send())
                .field("recv", q.recv())
                .field("done", q.done())
                .field("idle", q.idle())
                .endObject()
                .name("data_sent").beginObject()
                .field("bytes", s.dataBytes())
                .field("on_the_wire", s.wireBytes())
                .endObject()
                .field("compression_fallbacks", s.compressionFallbacks())
                .field("checksum_failures", s.checksumFailures())
                .field("remote_errors", s.remoteErrors())
                .field("auth_failures", s.authFailures())
                .field("mode_refusals", s.modeRefusals())
                .endObject();
    }

    /** The document, on one line. */
    String document() {
        return json.endArray().endObject().toString();
    }

}
