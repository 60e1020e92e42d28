package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.jms.Message;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways on a replicated Artemis pair (the distribution running {@code server-config/broker-primary.xml}
 * and {@code broker-backup.xml}), on the HA URL of server-config/README.md: the primary killed with -9 under load
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
        result.duplicatedRequests().forEach(request -> System.out.println("FAILOVER DUPLICATED " + request));

        assertEquals(List.of(), result.unexpected(), "only 200 or 503 with Retry-After, each within 5 s");
        assertEquals(0, result.lost(), "every acknowledged message is stored: " + result);
        assertEquals(0, result.duplicated(), "no message is stored twice: " + result);
        assertEquals(0, result.partialBatches(), "a batch is stored whole or not at all: " + result);
    }

    /**
     * One messageId sent through both gateways at the same instant: both sends are answered 200 and
     * the id is stored, but not always once. Artemis checks an id against the ids it holds and records
     * it in two steps (in a transaction, only at the commit), so two sessions sending one id at once
     * can both pass (measured: 56 and 67 in 100 races when singles went in transactions, 4 to 11 in
     * 100 now that a message alone goes without one). The contract promises a retry of a stored id is not
     * stored again, which holds; two simultaneous first sends are what server-config/README.md, "Running at scale" tells
     * operators how to avoid.
     */
    @Test
    void sameMessageIdSentThroughBothGatewaysAtOnceIsAnsweredAndStoredAtMostTwice() throws Exception {
        int races = Integer.getInteger("failover.races", 100);
        List<Gateway> gateways = List.of(ReplicatedPair.gateway(ReplicatedPair.GATEWAY_A), ReplicatedPair.gateway(ReplicatedPair.GATEWAY_B));
        TestBroker.Subscription subscription = TestBroker.subscribe(ReplicatedPair.clientUrl(), "orders");
        String name = subscription.name();
        subscription.detach();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        List<String> unexpected = new ArrayList<>();
        try {
            for (int race = 0; race < races; race++) {
                String body = "{\"message\":\"race\",\"messageId\":\"race-" + UUID.randomUUID() + "\"}";
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> answers = new ArrayList<>();
                for (Gateway gateway : gateways) {
                    answers.add(senders.submit(() -> {
                        go.await();
                        return untilAnswered200(gateway, body);
                    }));
                }
                go.countDown();
                for (Future<Integer> answer : answers) {
                    int status = answer.get(1, TimeUnit.MINUTES);
                    if (status != 200) {
                        unexpected.add(status + " for " + body);
                    }
                }
            }
        } finally {
            senders.shutdown();
        }
        String marker = "marker-" + UUID.randomUUID();
        assertEquals(200, gateways.get(0).post("orders").token(ReplicatedPair.TOKEN)
                .json("{\"message\":\"end\",\"messageId\":\"" + marker + "\"}").statusCode());
        Map<String, Integer> stored = new HashMap<>();
        try (var resumed = TestBroker.resume(ReplicatedPair.clientUrl(), "orders", name)) {
            for (Message message : resumed.untilMarker(marker)) {
                stored.merge(message.getStringProperty("messageId"), 1, Integer::sum);
            }
        }
        long twice = stored.values().stream().filter(n -> n > 1).count();
        System.out.printf("RACES races=%d storedOnce=%d storedTwice=%d other=%s%n", races,
                stored.values().stream().filter(n -> n == 1).count() - 1, twice, unexpected);
        assertEquals(List.of(), unexpected, "both sends of a race answered 200");
        assertEquals(races + 1, stored.size(), "every raced id stored");
        assertEquals(0, stored.values().stream().filter(n -> n > 2).count(), "no raced id stored more than twice");
    }

    /** The final status of one producer retrying 503s on one gateway for up to a minute. */
    private static int untilAnswered200(Gateway gateway, String body) throws Exception {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(1));
        HttpResponse<String> response = gateway.post("orders").token(ReplicatedPair.TOKEN).json(body);
        while (response.statusCode() == 503 && Instant.now().isBefore(giveUp)) {
            TimeUnit.MILLISECONDS.sleep(100);
            response = gateway.post("orders").token(ReplicatedPair.TOKEN).json(body);
        }
        return response.statusCode();
    }
}
