package hast.shell.ctl;

import java.io.PrintStream;

import hast.api.control.MetadataInfo;
import hast.api.control.ResourceInfo;
import hast.api.control.Statistics;
import hast.api.control.SyncProgress;

/**
 * The reference's output formats of dump, status and list, with our few extra list lines
 * (exportaddr, device, problem, synchronization).
 */
final class Output {
    static final String STATUS_HEADER = "Name\tStatus\t Role\t\tComponents";

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
    }

    static void statusRow(PrintStream out, ResourceInfo r) {
        String status = r.status() == null ? "-" : r.status();
        out.printf("%s\t%-9s%-15s%s\t%s%n", r.name(), status, r.role().label(), r.localpath(), r.remoteaddr());
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
        // The reference's workerpid line is absent: resources run in hastd's own process here,
        // and the reference omits the line when there is no worker pid.
        out.println("  dirty: " + r.dirty() + " (" + Humanize.bytes(r.dirty()) + "B)");
        if (r.sync() != null) {
            out.println("  synchronization: " + progress(r.sync()));
        }
        statistics(out, r.statistics());
    }

    private static String progress(SyncProgress p) {
        long left = p.secondsLeft();
        return p.percent() + "% done, " + Humanize.bytes(p.bytesPerSecond()) + "B/s, "
                + (left < 0 ? "time left unknown" : String.format("%d:%02d:%02d left", left / 3600, left / 60 % 60, left % 60));
    }

    private static void statistics(PrintStream out, Statistics s) {
        out.println("  statistics:");
        out.println("    reads: " + s.reads());
        out.println("    writes: " + s.writes());
        out.println("    deletes: " + s.deletes());
        out.println("    flushes: " + s.flushes());
        out.println("    activemap updates: " + s.activemapUpdates());
        out.println("    local errors: read: " + s.readErrors() + ", write: " + s.writeErrors() + ", delete: "
                + s.deleteErrors() + ", flush: " + s.flushErrors());
        // hastd's worker queues have no counterpart in this engine; the reference prints values
        // hastd does not send as 0, and scripts that parse list expect the line.
        out.println("    queues: local: 0, send: 0, recv: 0, done: 0, idle: 0");
    }
}
