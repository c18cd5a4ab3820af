package hast.geom;

import java.util.List;

import hast.api.transport.Connection;

/** Admissions for connections a test drives without a server, under the default limits. */
final class Passes {
    private static final ExportGuard GUARD = new ExportGuard("test", List.of(), ExportLimits.DEFAULT);

    private Passes() {
    }

    static ExportGuard.Pass admit(Connection c) {
        return GUARD.admit(c);
    }
}
