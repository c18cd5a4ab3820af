package hast.shell.ctl;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import hast.api.control.Consistency;
import hast.api.control.MetadataInfo;
import hast.api.control.Queues;
import hast.api.control.ResourceInfo;
import hast.api.control.Statistics;
import hast.api.control.SyncProgress;
import hast.api.control.SyncRate;
import hast.api.control.Verification;
import hast.api.event.HastEvent;

/**
 * The reference's output formats of dump, status and list, with our few extra list lines
 * (exportaddr, device, problem, protocol, consistent, synchronization, syncrate, codecs, queues), the
 * synchronisation a primary sends after its status line, the consistency
 * of an inconsistent copy after its status line and in dump, and the text forms of our events
 * and verify.
 */
final class Output {
    static final String STATUS_HEADER = "Name\tStatus\t Role\t\tComponents";
    /** Event times: UTC, to the millisecond, always as wide. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Output() {
    }

    static void dump(PrintStream out, MetadataInfo md) {
        out.println("resource: " + md.resource());
        out.println("    datasize: " + md.datasize() + " (" + Humanize.bytes(md.datasize()) + "B)");
        out.println("    extentsize: " + md.extentsize() + " (" + Humanize.bytes(md.extentsize()) + "B)");
        out.println("    keepdirty: " + md.keepdirty());
        out.println("    localoff: " + md.localoff());
        out.println("    resuid: " + Long.toUnsignedString(md.resuid()));
        out.println("    localcnt: " + Long.toUnsignedString(md.localcnt()));
        out.println("    remotecnt: " + Long.toUnsignedString(md.remotecnt()));
        out.println("    prevrole: " + md.prevrole().label());
        out.println("    consistency: " + md.consistency().label());
    }

    /**
     * The reference's line; a copy that is not consistent gets a column more, saying so and why,
     * and so does a pair that speaks no protocol version in common.
     */
    static void statusRow(PrintStream out, ResourceInfo r) {
        String status = r.status() == null ? "-" : r.status();
        String inconsistent = consistent(r) ? "" : "\tinconsistent (" + inconsistency(r) + ")";
        String protocol = r.connected() || r.protocol() == null ? "" : "\t" + r.protocol();
        out.printf("%s\t%-9s%-15s%s\t%s%s%s%s%n", r.name(), status, r.role().label(), r.localpath(), r.remoteaddr(),
                inconsistent, protocol, sending(r));
    }

    /** The synchronisation a primary sends: a column of its percent and pace, or that it is paused. */
    private static String sending(ResourceInfo r) {
        if (r.syncrate() == null || r.sync() == null) {
            return "";
        }
        if (r.syncrate().paused()) {
            return "\tsync paused at " + r.sync().percent() + "%";
        }
        return "\tsync " + r.sync().percent() + "%, " + pace(r.syncrate());
    }

    /** The limit in force and the configured mode: {@code limit 50MB/s (50M)}. */
    private static String pace(SyncRate s) {
        return "limit " + (s.limit() == 0 ? "none" : Humanize.bytes(s.limit()) + "B/s") + " (" + s.mode() + ")";
    }

    /** Whether the resource's copy may be promoted; an idle one's is not known (it is read when promoted). */
    private static boolean consistent(ResourceInfo r) {
        return r.consistency() == null || r.consistency() == Consistency.CONSISTENT;
    }

    /** Why a copy is not consistent, and how far the synchronisation that ends it is. */
    private static String inconsistency(ResourceInfo r) {
        String why = r.consistency() == Consistency.OUTDATED ? "outdated, " : "";
        if (r.sync() != null) {
            return why + "synchronising, " + r.sync().percent() + "%";
        }
        return why + (r.connected() ? "synchronisation not started" : "waiting for the primary");
    }

    static void statusError(PrintStream out, String name, int error) {
        out.println(name + "\tERR" + error);
    }

    static void listError(PrintStream out, String name, int error) {
        out.println(name + ":");
        out.println("  error: " + error);
    }

    static void list(PrintStream out, ResourceInfo r) {
        out.println(r.name() + ":");
        out.println("  role: " + r.role().label());
        out.println("  provname: " + r.provname());
        out.println("  localpath: " + r.localpath());
        out.println("  extentsize: " + r.extentsize() + " (" + Humanize.bytes(r.extentsize()) + "B)");
        out.println("  keepdirty: " + r.keepdirty());
        out.println("  remoteaddr: " + r.remoteaddr());
        if (r.sourceaddr() != null) {
            out.println("  sourceaddr: " + r.sourceaddr());
        }
        out.println("  replication: " + r.replication());
        // hastd sends these two without hastctl printing them; which codecs travel is worth a line.
        out.println("  checksum: " + r.checksum());
        out.println("  compression: " + r.compression());
        if (r.status() != null) {
            out.println("  status: " + r.status());
        }
        if (r.exportaddr() != null) {
            out.println("  exportaddr: " + r.exportaddr());
        }
        if (r.device() != null) {
            out.println("  device: " + r.device());
        }
        if (r.problem() != null) {
            out.println("  problem: " + r.problem());
        }
        if (r.protocol() != null) {
            out.println("  protocol: " + r.protocol());
        }
        // The reference's workerpid line is absent: resources run in hastd's own process here,
        // and the reference omits the line when there is no worker pid.
        if (r.consistency() != null) {
            out.println("  consistent: " + (consistent(r) ? "yes" : "no (" + inconsistency(r) + ")"));
        }
        out.println("  dirty: " + r.dirty() + " (" + Humanize.bytes(r.dirty()) + "B)");
        if (r.sync() != null) {
            boolean paused = r.syncrate() != null && r.syncrate().paused();
            out.println("  synchronization: " + (paused ? "paused, " : "") + progress(r.sync()));
        }
        if (r.syncrate() != null) {
            out.println("  syncrate: " + pace(r.syncrate()));
        }
        statistics(out, r.statistics(), r.queues());
    }

    private static String progress(SyncProgress p) {
        long left = p.secondsLeft();
        return p.percent() + "% done, " + Humanize.bytes(p.bytesPerSecond()) + "B/s, "
                + (left < 0 ? "time left unknown" : String.format("%d:%02d:%02d left", left / 3600, left / 60 % 60, left % 60));
    }

    private static void statistics(PrintStream out, Statistics s, Queues q) {
        out.println("  statistics:");
        out.println("    reads: " + s.reads());
        out.println("    writes: " + s.writes());
        out.println("    deletes: " + s.deletes());
        out.println("    flushes: " + s.flushes());
        out.println("    activemap updates: " + s.activemapUpdates());
        out.println("    local errors: read: " + s.readErrors() + ", write: " + s.writeErrors() + ", delete: "
                + s.deleteErrors() + ", flush: " + s.flushErrors());
        out.println("    queues: local: " + q.local() + ", send: " + q.send() + ", recv: " + q.recv() + ", done: "
                + q.done() + ", idle: " + q.idle());
        out.println("    data sent: " + s.dataBytes() + " bytes, " + s.wireBytes() + " on the wire");
        out.println("    compression fallbacks: " + s.compressionFallbacks());
        out.println("    checksum failures: " + s.checksumFailures());
        out.println("    remote errors: " + s.remoteErrors());
        out.println("    auth failures: " + s.authFailures());
        out.println("    mode refusals: " + s.modeRefusals());
    }

    /** One event: time, resource, event and its details, separated by spaces. */
    static String event(HastEvent e) {
        StringBuilder line = new StringBuilder(time(e)).append(' ').append(e.resource()).append(' ').append(e.type());
        e.details().forEach(d -> line.append(' ').append(d));
        return line.toString();
    }

    static String time(HastEvent e) {
        return TIME.format(e.time());
    }

    /** The differing extents as data offsets (as clients address the device), then a summary. */
    static void verification(PrintStream out, String name, Verification v) {
        for (long e : v.differing()) {
            out.println(name + ": differs at offset " + e * v.extentsize() + ", length " + v.extentLength(e)
                    + " (extent " + e + ")");
        }
        long compared = v.extents() - v.skipped();
        out.println(name + ": " + v.extents() + " extents, " + compared + " compared, " + v.differing().size()
                + " differing, " + v.skipped() + " skipped as dirty"
                + (v.differing().isEmpty() ? "." : "; the differing extents are marked dirty and being synchronised."));
    }

    /** With -d: a line each time another tenth of the extents is done. */
    static void verifyProgress(PrintStream err, String name, long done, long extents) {
        if (done * 10 / extents != (done - 1) * 10 / extents) {
            err.println("[" + name + "] " + done * 100 / extents + "% verified (" + done + " of " + extents + " extents)");
            err.flush();
        }
    }
}
