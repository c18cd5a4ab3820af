package hast.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCF resource agent (run/ocf/hast) on two real daemons: ocf-tester from Debian's
 * resource-agents runs every action against alpha while beta is secondary, and the agent's
 * monitor tells promoted, started and stopped apart by hastctl's exit statuses.
 */
class OcfAgentIT {
    private static final int MIB = 1 << 20;
    private static final Path AGENT = Node.RUN.resolve("ocf/hast").toAbsolutePath();
    private static final int OCF_SUCCESS = 0;
    private static final int OCF_ERR_CONFIGURED = 6;
    private static final int OCF_NOT_RUNNING = 7;
    private static final int OCF_RUNNING_PROMOTED = 8;

    @TempDir
    Path dir;
    private Node alpha;
    private Node beta;
    private Path conf;

    @AfterEach
    void stop() throws Exception {
        for (Node n : new Node[] {alpha, beta}) {
            if (n != null) {
                n.close();
            }
        }
    }

    private void start() throws Exception {
        PairConf pair = new PairConf(dir);
        conf = pair.write(dir.resolve("alpha.img"), dir.resolve("beta.img"), pair.listenBeta, "timeout 5");
        alpha = new Node("alpha", dir, conf);
        beta = new Node("beta", dir, conf);
        for (Node n : List.of(alpha, beta)) {
            Node.disk(dir.resolve(n.name + ".img"), 16 * MIB);
            n.hastctl("create", "-c", conf.toString(), "-e", "1M", "r0").expect(0);
            n.start();
        }
        // One first synchronisation, so that both copies are consistent before the agent plays.
        beta.ctl("role", "secondary", "r0").expect(0);
        alpha.ctl("role", "primary", "r0").expect(0);
        alpha.ctl("await", "-t", "30", "complete", "r0").expect(0);
        alpha.ctl("role", "init", "r0").expect(0);
    }

    @Test
    void ocfTesterPassesOnTheAgent() throws Exception {
        start();
        Node.Result tested = alpha.run(List.of("ocf-tester", "-n", "r0", "-o", "resource=r0", "-o", "config=" + conf,
                "-o", "hastctl=" + Node.RUN.resolve("hastctl").toAbsolutePath(), "-o", "node=alpha",
                AGENT.toString()), Map.of(), java.time.Duration.ofMinutes(5)).expect(0);
        assertTrue(tested.out().contains("passed all tests"), tested.out());
    }

    @Test
    void monitorFollowsTheRoleAndPromotionConnectsAndBadParametersAreConfigurationErrors() throws Exception {
        start();
        agent(alpha, "monitor").expect(OCF_NOT_RUNNING);
        agent(beta, "monitor").expect(OCF_SUCCESS);
        agent(alpha, "start").expect(OCF_SUCCESS);
        agent(alpha, "monitor").expect(OCF_SUCCESS);
        // beta, promoted, connects to alpha (secondary) in the background.
        agent(beta, "promote").expect(OCF_SUCCESS);
        agent(beta, "monitor").expect(OCF_RUNNING_PROMOTED);
        beta.ctl("await", "-t", "30", "complete", "r0").expect(0);
        agent(alpha, "monitor").expect(OCF_SUCCESS);
        agent(beta, "demote").expect(OCF_SUCCESS);
        agent(beta, "monitor").expect(OCF_SUCCESS);
        agent(beta, "stop").expect(OCF_SUCCESS);
        agent(beta, "monitor").expect(OCF_NOT_RUNNING);
        badParametersAreConfigurationErrors();
        // A node whose hastd is gone runs nothing: monitor says not running, stop succeeds.
        alpha.close();
        agent(alpha, "monitor").expect(OCF_NOT_RUNNING);
        agent(alpha, "stop").expect(OCF_SUCCESS);
    }

    /** Checked on the pair {@link #monitorFollowsTheRoleAndPromotionConnectsAndBadParametersAreConfigurationErrors} started, to spare CI a pair. */
    private void badParametersAreConfigurationErrors() throws Exception {
        agent(alpha, "validate-all").expect(OCF_SUCCESS);
        agent(alpha, "validate-all", Map.of("OCF_RESKEY_resource", "")).expect(OCF_ERR_CONFIGURED);
        agent(alpha, "validate-all", Map.of("OCF_RESKEY_resource", "no such")).expect(OCF_ERR_CONFIGURED);
        agent(alpha, "validate-all", Map.of("OCF_RESKEY_resource", "r1")).expect(OCF_ERR_CONFIGURED);
        agent(alpha, "start", Map.of("OCF_RESKEY_resource", "r1")).expect(OCF_ERR_CONFIGURED);
        agent(alpha, "monitor").expect(OCF_SUCCESS);
    }

    private Node.Result agent(Node n, String action) throws Exception {
        return agent(n, action, Map.of());
    }

    /** Runs one action of the agent as Pacemaker would, with the parameters in OCF_RESKEY_*. */
    private Node.Result agent(Node n, String action, Map<String, String> override) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("OCF_ROOT", "/usr/lib/ocf", "OCF_RESOURCE_INSTANCE", "r0",
                "OCF_RESKEY_resource", "r0", "OCF_RESKEY_config", conf.toString(),
                "OCF_RESKEY_hastctl", Node.RUN.resolve("hastctl").toAbsolutePath().toString(),
                "OCF_RESKEY_node", n.name, "OCF_RESKEY_CRM_meta_interval", "10000"));
        env.putAll(override);
        return n.run(new ArrayList<>(List.of(AGENT.toString(), action)), env);
    }

}
