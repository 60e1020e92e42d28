package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code orderingKey} as JMS consumer pools see it: several consumers sharing one durable
 * subscription, as an MDB with several sessions or several instances of a service read it.
 */
@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class OrderingKeyIT {

    private static final String WRITER = TestTokens.serviceToken("orders-writer").sign();
    private static final int CONSUMERS = 4;
    private static final int KEYS = 6;
    private static final int PER_KEY = 50;

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void eachKeysMessagesReachOneConsumerOfASharedSubscriptionInTheOrderSent(Gateway gateway, TestBroker broker)
            throws Exception {
        String run = UUID.randomUUID().toString();
        try (ConsumerPool pool = new ConsumerPool(broker.url(), "orders", KEYS * PER_KEY)) {
            // Interleaved: singles and batches that mix keys, one request after the other's 200.
            for (int sequence = 0; sequence < PER_KEY; sequence++) {
                if (sequence % 5 == 4) {
                    List<String> batch = new ArrayList<>();
                    for (int key = 0; key < KEYS; key++) {
                        batch.add(keyed(run, key, sequence));
                    }
                    messageIds(gateway.post("orders").token(WRITER).json("[" + String.join(",", batch) + "]"));
                } else {
                    for (int key = 0; key < KEYS; key++) {
                        messageIds(gateway.post("orders").token(WRITER).json(keyed(run, key, sequence)));
                    }
                }
            }

            Map<Integer, List<Message>> byConsumer = pool.awaitAll();
            Map<String, Integer> consumerOfKey = new HashMap<>();
            Map<String, List<Integer>> sequencesOfKey = new HashMap<>();
            for (Map.Entry<Integer, List<Message>> consumer : byConsumer.entrySet()) {
                for (Message message : consumer.getValue()) {
                    String key = message.getStringProperty("JMSXGroupID");
                    Integer earlier = consumerOfKey.putIfAbsent(key, consumer.getKey());
                    assertTrue(earlier == null || earlier.equals(consumer.getKey()),
                            "key " + key + " reached consumers " + earlier + " and " + consumer.getKey());
                    sequencesOfKey.computeIfAbsent(key, k -> new ArrayList<>()).add(sequence(message));
                }
            }
            assertEquals(KEYS, sequencesOfKey.size(), "every key arrived, under its own JMSXGroupID: " + sequencesOfKey.keySet());
            List<Integer> sent = new ArrayList<>();
            for (int sequence = 0; sequence < PER_KEY; sequence++) {
                sent.add(sequence);
            }
            for (int key = 0; key < KEYS; key++) {
                assertEquals(sent, sequencesOfKey.get(key(run, key)), "key " + key + " arrived in the order sent");
            }
            assertTrue(consumerOfKey.values().stream().distinct().count() > 1,
                    "the keys are shared out among the consumers: " + consumerOfKey);
        }
    }

    @Test
    void messagesWithoutAKeySpreadOverTheConsumers(Gateway gateway, TestBroker broker) throws Exception {
        int count = 200;
        try (ConsumerPool pool = new ConsumerPool(broker.url(), "orders", count)) {
            for (int i = 0; i < count; i++) {
                messageIds(gateway.post("orders").token(WRITER).json("{\"message\":\"unkeyed " + i + "\"}"));
            }

            Map<Integer, List<Message>> byConsumer = pool.awaitAll();
            for (int consumer = 0; consumer < CONSUMERS; consumer++) {
                assertTrue(!byConsumer.get(consumer).isEmpty(), "consumer " + consumer + " got none of " + count
                        + " unkeyed messages");
            }
            for (List<Message> messages : byConsumer.values()) {
                for (Message message : messages) {
                    assertEquals(null, message.getStringProperty("JMSXGroupID"));
                }
            }
        }
    }

    @Test
    void orderingKeyIsSelectableAsJmsxGroupId(Gateway gateway, TestBroker broker) throws Exception {
        String key = "order-" + UUID.randomUUID();
        String name = "it-selector-" + UUID.randomUUID();
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.url());
                Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createSharedDurableConsumer(session.createTopic("orders"), name,
                    "JMSXGroupID = '" + key + "'");
            connection.start();
            messageIds(gateway.post("orders").token(WRITER).json("{\"message\":\"other key\",\"orderingKey\":\"other\"}"));
            messageIds(gateway.post("orders").token(WRITER).json("{\"message\":\"mine\",\"orderingKey\":\"" + key + "\"}"));

            TextMessage received = (TextMessage) consumer.receive(10_000);
            assertEquals(key, received.getStringProperty("JMSXGroupID"));
            assertEquals(key, Json.createReader(new StringReader(received.getText())).readObject().getString("orderingKey"),
                    "the key is in the body too");
            consumer.close();
            session.unsubscribe(name);
        }
    }

    @Test
    void orderingKeyLongerThan256CharactersIsRejectedWith400(Gateway gateway) throws Exception {
        String detail = problem(gateway.post("orders").token(WRITER)
                .json("{\"message\":\"m\",\"orderingKey\":\"" + "k".repeat(257) + "\"}"), 400);

        assertTrue(detail.contains("orderingKey") && detail.contains("256"), detail);
    }

    private static String key(String run, int key) {
        return key + "-" + run;
    }

    private static String keyed(String run, int key, int sequence) {
        return "{\"orderingKey\":\"" + key(run, key) + "\",\"properties\":{\"sequence\":\"" + sequence + "\"},"
                + "\"message\":\"step " + sequence + " of " + key + "\"}";
    }

    private static int sequence(Message message) throws JMSException {
        return Integer.parseInt(message.getStringProperty("sequence"));
    }

    /** {@link #CONSUMERS} consumers, each on a session of its own, sharing one new durable subscription. */
    private static final class ConsumerPool implements AutoCloseable {

        private final ActiveMQConnectionFactory factory;
        private final Connection connection;
        private final String name = "it-pool-" + UUID.randomUUID();
        private final Map<Integer, List<Message>> received = new HashMap<>();
        private final CountDownLatch expected;
        private final List<Session> sessions = new ArrayList<>();

        ConsumerPool(String brokerUrl, String topic, int expected) throws JMSException {
            this.expected = new CountDownLatch(expected);
            factory = new ActiveMQConnectionFactory(brokerUrl);
            connection = factory.createConnection();
            for (int i = 0; i < CONSUMERS; i++) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                sessions.add(session);
                List<Message> mine = Collections.synchronizedList(new ArrayList<>());
                received.put(i, mine);
                session.createSharedDurableConsumer(session.createTopic(topic), name).setMessageListener(message -> {
                    mine.add(message);
                    this.expected.countDown();
                });
            }
            connection.start();
        }

        Map<Integer, List<Message>> awaitAll() throws InterruptedException {
            assertTrue(expected.await(60, TimeUnit.SECONDS), expected.getCount() + " messages did not arrive within 60 s");
            Map<Integer, List<Message>> copy = new HashMap<>();
            received.forEach((consumer, messages) -> {
                synchronized (messages) {
                    copy.put(consumer, List.copyOf(messages));
                }
            });
            return copy;
        }

        @Override
        public void close() throws JMSException {
            connection.stop();
            for (Session session : sessions) {
                session.close();
            }
            connection.createSession(false, Session.AUTO_ACKNOWLEDGE).unsubscribe(name);
            connection.close();
            factory.close();
        }
    }
}
