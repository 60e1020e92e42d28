package dev.pipeline.it;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** One load thread's way of storing messages: {@link #send()} returns how many it stored, 0 if refused. */
interface Sender extends AutoCloseable {

    int send() throws Exception;

    /** Why the last refused send was refused; null if none was. */
    default String lastFailure() {
        return null;
    }

    @Override
    default void close() throws Exception {
    }

    /** Makes the sender of each load thread; the thread's index lets a warm-up mix several kinds. */
    interface Factory {
        Sender create(int threadIndex) throws Exception;
    }

    /**
     * A native Artemis JMS producer of persistent text messages on a connection of its own: one
     * blocking durable send per call for {@code batch} 1, else a transaction of {@code batch} sends.
     */
    static Sender nativeJms(ActiveMQConnectionFactory factory, String topic, String text, int batch) throws Exception {
        boolean transacted = batch > 1;
        Connection connection = factory.createConnection();
        Session session = connection.createSession(transacted, transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createTopic(topic));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        return new Sender() {
            @Override
            public int send() throws Exception {
                for (int i = 0; i < batch; i++) {
                    producer.send(session.createTextMessage(text));
                }
                if (transacted) {
                    session.commit();
                }
                return batch;
            }

            @Override
            public void close() throws Exception {
                connection.close();
            }
        };
    }

    /**
     * A native Artemis JMS producer sending what the gateway sends for a JSON single: the envelope
     * with a new messageId and sentTime as the text, the gateway's properties, the messageId as the
     * duplicate-detection id and the topic's TTL. One blocking durable send per call for {@code batch}
     * 1, else a transaction of {@code batch} sends.
     */
    static Sender nativeGatewayMessages(ActiveMQConnectionFactory factory, String topic, String payload, Duration ttl, int batch)
            throws Exception {
        boolean transacted = batch > 1;
        Connection connection = factory.createConnection();
        Session session = connection.createSession(transacted, transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createTopic(topic));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        producer.setTimeToLive(ttl.toMillis());
        return new Sender() {
            @Override
            public int send() throws Exception {
                for (int i = 0; i < batch; i++) {
                    String id = UUID.randomUUID().toString();
                    long sentTime = System.currentTimeMillis();
                    TextMessage message = session.createTextMessage(
                            "{\"messageId\":\"" + id + "\",\"sentTime\":" + sentTime + ",\"message\":\"" + payload + "\"}");
                    message.setStringProperty(org.apache.activemq.artemis.api.core.Message.HDR_DUPLICATE_DETECTION_ID.toString(), id);
                    message.setStringProperty("messageId", id);
                    message.setStringProperty("contentType", "application/json");
                    message.setLongProperty("sentTime", sentTime);
                    producer.send(message);
                }
                if (transacted) {
                    session.commit();
                }
                return batch;
            }

            @Override
            public void close() throws Exception {
                connection.close();
            }
        };
    }

    /** The same request again and again; a 2xx answer stored {@code messages}, anything else none. */
    static Sender http(HttpClient http, HttpRequest request, int messages) {
        return new Sender() {
            private String lastFailure;

            @Override
            public int send() throws Exception {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return messages;
                }
                lastFailure = response.statusCode() + " " + response.body();
                return 0;
            }

            @Override
            public String lastFailure() {
                return lastFailure;
            }
        };
    }
}
