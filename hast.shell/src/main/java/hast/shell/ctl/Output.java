package hast.shell.ctl;

import java.io.PrintStream;

import hast.api.control.MetadataInfo;
import hast.api.control.ResourceInfo;
import hast.api.control.Statistics;
import hast.api.control.SyncProgress;

/** The reference's output formats of dump, status and list. */
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
        if (r.problem() != null) {
            out.println("  problem: " + r.problem());
        }
        if (r.exportaddr() != null) {
            out.println("  exportaddr: " + r.exportaddr());
        }
        out.println("  dirty: " + r.dirty() + " (" + Humanize.bytes(r.dirty()) + "B)");
        SyncProgress p = r.sync();
        if (p != null) {
            long left = p.secondsLeft();
            out.println("  synchronization: " + p.percent() + "% done, " + Humanize.bytes(p.bytesPerSecond()) + "B/s, "
                    + (left < 0 ? "time left unknown" : String.format("%d:%02d:%02d left", left / 3600, left / 60 % 60, left % 60)));
        }
        Statistics s = r.statistics();
        out.println("  statistics:");
        out.println("    reads: " + s.reads());
        out.println("    writes: " + s.writes());
        out.println("    deletes: " + s.deletes());
        out.println("    flushes: " + s.flushes());
        out.println("    activemap updates: " + s.activemapUpdates());
        out.println("    local errors: read: " + s.readErrors() + ", write: " + s.writeErrors() + ", delete: "
                + s.deleteErrors() + ", flush: " + s.flushErrors());
    }
}
