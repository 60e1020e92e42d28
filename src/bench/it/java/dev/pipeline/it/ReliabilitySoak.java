package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The soak run of {@code bench/soak.sh}, not part of {@code mvn verify}: producers keep sending
 * while the broker is killed with -9 and restarted {@code soak.cycles} times; prints the counts.
 */
class ReliabilitySoak {

    @Test
    void acknowledgedMessagesSurviveRepeatedBrokerKills() throws Exception {
        int cycles = Integer.getInteger("soak.cycles", 5);
        int perPhase = Integer.getInteger("soak.acknowledgedPerPhase", 2_000);
        int producers = Integer.getInteger("soak.producers", 8);
        try (DistributionBrokerGateway environment = DistributionBrokerGateway.startConfigured("soak")) {
            long started = System.nanoTime();
            KillCycles.Result result = new KillCycles(environment.broker(), environment.gateway(), "orders",
                    DistributionBrokerGateway.TOKEN).run(cycles, perPhase, producers);
            System.out.printf("SOAK cycles=%d producers=%d seconds=%d %s%n", cycles, producers,
                    (System.nanoTime() - started) / 1_000_000_000L, result);
            assertEquals(0, result.lost() + result.duplicated() + result.partialBatches() + result.unexpected().size(),
                    result.toString());
        }
    }
}
