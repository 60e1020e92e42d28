package dev.pipeline.it;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Reads a durable subscription as fast as it can, so that the benchmark's messages are journaled
 * (a topic without a subscription drops them) yet the broker never pages.
 */
final class SubscriptionDrain implements AutoCloseable {

    private final AtomicLong received = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final ActiveMQConnectionFactory factory;
    private final Connection connection;
    private final Thread thread;

    SubscriptionDrain(String brokerUrl, String topic, String subscription) throws Exception {
        factory = new ActiveMQConnectionFactory(brokerUrl);
        connection = factory.createConnection();
        Session session = connection.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
        MessageConsumer consumer = session.createSharedDurableConsumer(session.createTopic(topic), subscription);
        connection.start();
        thread = new Thread(() -> {
            while (running.get()) {
                try {
                    if (consumer.receive(200) != null) {
                        received.incrementAndGet();
                    }
                } catch (Exception e) {
                    failure.set(e);
                    return;
                }
            }
        }, "bench-drain");
        thread.start();
    }

    long received() {
        return received.get();
    }

    /**
     * Waits, while nobody sends, until the backlog is read: no message for {@code quiet}, or
     * {@code limit} passed. Returns how long it waited. A row that starts on a backlog would pay
     * for the row before it, and a backlog past the broker's global-max-size pages.
     */
    Duration awaitCaughtUp(Duration quiet, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        long last = -1;
        while (received.get() != last && System.nanoTime() - start < limit.toNanos()) {
            last = received.get();
            Thread.sleep(quiet.toMillis());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Why the drain stopped before it was closed; null if it did not. */
    Exception failure() {
        return failure.get();
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        thread.join();
        connection.close();
        factory.close();
    }
}
