package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways on a replicated Artemis pair (the distribution running {@code server-config/broker-primary.xml}
 * and {@code broker-backup.xml}), on the HA URL of the README: the primary killed with -9 under load
 * and restarted, taking over again. Every id answered 200 is stored exactly once, and producers that
 * retry 503s with the same ids see nothing but 200 and 503. The build runs one cycle of a few hundred
 * requests; {@code bench/failover.sh} sets {@code failover.cycles}, {@code failover.acknowledgedPerPhase}
 * and {@code failover.producers} for a longer run.
 */
@ExtendWith(ReplicatedPair.class)
@ExtendWith(ArquillianExtension.class)
class FailoverIT {

    @Deployment(name = ReplicatedPair.GATEWAY_A, testable = false)
    @TargetsContainer(ReplicatedPair.GATEWAY_A)
    static WebArchive gatewayA() {
        return Deployments.pipeline();
    }

    @Deployment(name = ReplicatedPair.GATEWAY_B, testable = false)
    @TargetsContainer(ReplicatedPair.GATEWAY_B)
    static WebArchive gatewayB() {
        return Deployments.pipeline();
    }

    @Test
    void primaryKilledAndFailedBackUnderLoadFromTwoGatewaysStoresEveryAcknowledgedIdExactlyOnce() throws Exception {
        FailoverCycles.Result result = new FailoverCycles(ReplicatedPair.primary(), ReplicatedPair.backup(),
                List.of(ReplicatedPair.gateway(ReplicatedPair.GATEWAY_A), ReplicatedPair.gateway(ReplicatedPair.GATEWAY_B)),
                ReplicatedPair.TOKEN).run(Integer.getInteger("failover.cycles", 1),
                Integer.getInteger("failover.acknowledgedPerPhase", 60), Integer.getInteger("failover.producers", 4));
        System.out.println("FAILOVER " + result);

        assertEquals(List.of(), result.unexpected(), "only 200 or 503 with Retry-After, each within 5 s");
        assertEquals(0, result.lost(), "every acknowledged message is stored: " + result);
        assertEquals(0, result.duplicated(), "no message is stored twice: " + result);
        assertEquals(0, result.partialBatches(), "a batch is stored whole or not at all: " + result);
    }
}
