package dev.pipeline.it;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A durable subscription of a topic that the test reads on its own thread, counting how often each
 * {@code messageId} arrives, from the moment {@link #drain()} is called; until then nobody
 * consumes it and it keeps every message (so an address with a size limit fills up).
 */
final class DurableSubscription implements AutoCloseable {

    private final String brokerUrl;
    private final String topic;
    private final String name;
    private final Map<String, Integer> received = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private volatile JMSException failure;
    private Thread reader;

    private DurableSubscription(String brokerUrl, String topic, String name) {
        this.brokerUrl = brokerUrl;
        this.topic = topic;
        this.name = name;
    }

    /** Creates the subscription (it stores every message sent from now on); nobody reads it yet. */
    static DurableSubscription create(String brokerUrl, String topic) throws JMSException {
        DurableSubscription subscription = new DurableSubscription(brokerUrl, topic, topic + "-it-" + UUID.randomUUID());
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl);
                Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createSharedDurableConsumer(session.createTopic(topic), subscription.name).close();
        }
        return subscription;
    }

    /** Starts reading: from now on the subscription is emptied as fast as the broker delivers. */
    synchronized void drain() {
        if (reader != null) {
            return;
        }
        draining = true;
        reader = new Thread(this::read, "drain-" + topic);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl);
                Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createSharedDurableConsumer(session.createTopic(topic), name);
            connection.start();
            while (draining) {
                Message message = consumer.receive(200);
                if (message != null) {
                    received.merge(message.getStringProperty("messageId"), 1, Integer::sum);
                }
            }
            consumer.close();
        } catch (JMSException e) {
            failure = e;
        }
    }

    /** How often each messageId has arrived so far. */
    Map<String, Integer> received() {
        return Map.copyOf(received);
    }

    /** Waits until the messageId has arrived, failing after {@code within}. */
    void awaitReceived(String messageId, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (!received.containsKey(messageId)) {
            if (failure != null) {
                throw new AssertionError("reading subscription " + name + " failed", failure);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("message " + messageId + " did not arrive on " + topic + " within " + within
                        + " (" + received.size() + " messageIds read)");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Stops reading and deletes the subscription with what it still holds. */
    @Override
    public void close() throws Exception {
        synchronized (this) {
            draining = false;
            if (reader != null) {
                reader.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl);
                Connection connection = factory.createConnection()) {
            connection.createSession(false, Session.AUTO_ACKNOWLEDGE).unsubscribe(name);
        }
    }
}
