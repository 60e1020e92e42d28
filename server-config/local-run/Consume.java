import dev.pipeline.v1.Message;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Instant;
import java.util.Collections;
import java.util.Enumeration;
import java.util.TreeSet;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * LOCAL RUN: reads a topic's messages from a durable subscription and prints each one's JMS
 * properties and body. Run by consume.sh, which puts the Artemis client and the generated
 * pipeline.v1.Message on the class path. Arguments: [topic] [subscription] [--max N] [--idle-seconds S].
 */
public class Consume {

    public static void main(String[] args) throws Exception {
        String topic = "orders";
        String subscription = null;
        int max = Integer.MAX_VALUE;
        long idleMillis = 0;
        int positional = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--max" -> max = Integer.parseInt(args[++i]);
                case "--idle-seconds" -> idleMillis = Long.parseLong(args[++i]) * 1000;
                default -> {
                    if (positional++ == 0) {
                        topic = args[i];
                    } else {
                        subscription = args[i];
                    }
                }
            }
        }
        if (subscription == null) {
            subscription = topic + "-local";
        }
        String url = env("BROKER_URL", "tcp://localhost:" + env("BROKER_PORT", "61616"));
        try {
            read(url, topic, subscription, max, idleMillis);
        } catch (JMSException e) {
            System.err.println("Cannot read " + topic + " from " + url + ": " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")")
                    + ". Is the local run (run.sh) up, with this BROKER_PORT?");
            System.exit(1);
        }
    }

    private static void read(String url, String topic, String subscription, int max, long idleMillis) throws JMSException {
        var factory = new ActiveMQConnectionFactory(url, System.getenv("BROKER_USER"), System.getenv("BROKER_PASSWORD"));
        try (factory; Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createSharedDurableConsumer(session.createTopic(topic), subscription);
            connection.start();
            System.out.println("Reading topic " + topic + " (durable subscription " + subscription + ") on " + url
                    + (idleMillis > 0 ? ", until " + idleMillis / 1000 + " s pass without a message" : "; Ctrl-C stops"));
            for (int read = 0; read < max; read++) {
                jakarta.jms.Message message = idleMillis > 0 ? consumer.receive(idleMillis) : consumer.receive();
                if (message == null) {
                    System.out.println("No message for " + idleMillis / 1000 + " s; " + read + " read.");
                    return;
                }
                print(message);
            }
        }
    }

    private static void print(jakarta.jms.Message message) throws JMSException {
        System.out.println();
        if (message.getJMSMessageID() != null) {
            System.out.println("JMSMessageID = " + message.getJMSMessageID());
        }
        System.out.println("JMSTimestamp = " + Instant.ofEpochMilli(message.getJMSTimestamp()));
        if (message.getJMSExpiration() != 0) {
            System.out.println("JMSExpiration = " + Instant.ofEpochMilli(message.getJMSExpiration()));
        }
        @SuppressWarnings("unchecked")
        Enumeration<String> names = message.getPropertyNames();
        for (String name : new TreeSet<>(Collections.list(names))) {
            System.out.println(name + " = " + message.getObjectProperty(name));
        }
        if (message instanceof TextMessage text) {
            System.out.println("body (TextMessage, JSON): " + text.getText());
        } else if (message instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            System.out.println("body (BytesMessage, protobuf pipeline.v1.Message, " + body.length + " bytes):");
            try {
                System.out.print(Message.parseFrom(body));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                System.out.println("  not a pipeline.v1.Message: " + e.getMessage());
            }
        } else {
            System.out.println("body: " + message.getClass().getSimpleName());
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
