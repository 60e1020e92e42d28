package dev.pipeline.it;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/** A real, persistent Artemis broker in the test JVM, the "external" broker the gateway connects to. */
final class TestBroker implements AutoCloseable {

    private final EmbeddedActiveMQ server;
    private final String url;
    /** The URL the test's own clients connect with: with the user and password if the broker requires login. */
    private final String clientUrl;

    private TestBroker(EmbeddedActiveMQ server, String url, String clientUrl) {
        this.server = server;
        this.url = url;
        this.clientUrl = clientUrl;
    }

    /** A broker whose topics each have a durable subscription {@code <topic>-retained}, as the gateway requires. */
    static TestBroker start(int port, Path dataDirectory, List<String> topics) throws Exception {
        return start(port, dataDirectory, topics, null);
    }

    /**
     * Likewise, refusing every connection but one with {@link ArtemisProcess#USER} and
     * {@link ArtemisProcess#PASSWORD}, as the shipped broker.xml (security on, login required) does.
     */
    static TestBroker startRequiringLogin(int port, Path dataDirectory, List<String> topics) throws Exception {
        return start(port, dataDirectory, topics, new OneUser(ArtemisProcess.USER, ArtemisProcess.PASSWORD));
    }

    /** The only user a broker requiring login lets in, with every permission. */
    private record OneUser(String user, String password) implements ActiveMQSecurityManager {

        @Override
        public boolean validateUser(String user, String password) {
            return this.user.equals(user) && this.password.equals(password);
        }

        @Override
        public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
            return validateUser(user, password);
        }
    }

    private static TestBroker start(int port, Path dataDirectory, List<String> topics, OneUser login) throws Exception {
        String url = "tcp://localhost:" + port;
        Configuration config = new ConfigurationImpl()
                .setName("test-broker")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(login != null)
                .setJMXManagementEnabled(false)
                .setJournalDirectory(dataDirectory.resolve("journal").toString())
                .setBindingsDirectory(dataDirectory.resolve("bindings").toString())
                .setLargeMessagesDirectory(dataDirectory.resolve("large-messages").toString())
                .setPagingDirectory(dataDirectory.resolve("paging").toString())
                .addAcceptorConfiguration("tcp", url);
        topics.forEach(topic -> config.addAddressConfiguration(new CoreAddressConfiguration().setName(topic)
                .addRoutingType(RoutingType.MULTICAST)
                .addQueueConfiguration(QueueConfiguration.of(topic + "-retained").setAddress(topic)
                        .setRoutingType(RoutingType.MULTICAST).setDurable(true))));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
        if (login != null) {
            server.setSecurityManager(login);
        }
        server.start();
        return new TestBroker(server, url,
                login == null ? url : url + "?user=" + login.user() + "&password=" + login.password());
    }

    String url() {
        return url;
    }

    /** The consumers attached to the queue, 0 if it does not exist (yet). */
    int consumerCount(String queue) {
        var found = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return found == null ? 0 : found.getConsumerCount();
    }

    /** Messages in the queue, those being delivered included; 0 if it does not exist. */
    long messageCount(String queue) {
        var found = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return found == null ? 0 : found.getMessageCount();
    }

    /** A new durable subscription on the topic: it keeps every message sent from now on. */
    static Subscription subscribe(String brokerUrl, String topic) throws JMSException {
        return new Subscription(brokerUrl, topic, "it-" + UUID.randomUUID());
    }

    /** Attaches to an existing durable subscription by its name. */
    static Subscription resume(String brokerUrl, String topic, String name) throws JMSException {
        return new Subscription(brokerUrl, topic, name);
    }

    Subscription subscribe(String topic) throws JMSException {
        return subscribe(clientUrl, topic);
    }

    /** The remote addresses of the clients connected right now, consumers of the test included. */
    List<String> connections() {
        return server.getActiveMQServer().getRemotingService().getConnections().stream()
                .map(connection -> connection.getRemoteAddress()).toList();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    static final class Subscription implements AutoCloseable {

        private final ActiveMQConnectionFactory factory;
        private final Connection connection;
        private final Session session;
        private final MessageConsumer consumer;
        private final String name;

        private Subscription(String brokerUrl, String topic, String name) throws JMSException {
            this.name = name;
            factory = new ActiveMQConnectionFactory(brokerUrl);
            connection = factory.createConnection();
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            consumer = session.createSharedDurableConsumer(session.createTopic(topic), name);
            connection.start();
        }

        /** The next message, failing the test if none arrives within 10 s. */
        Message next() throws JMSException {
            Message message = consumer.receive(10_000);
            if (message == null) {
                throw new AssertionError("no message arrived on subscription " + name + " within 10 s");
            }
            return message;
        }

        /** Everything up to and including the message whose messageId property is the marker. */
        List<Message> untilMarker(String markerId) throws JMSException {
            List<Message> received = new ArrayList<>();
            Message message;
            do {
                message = next();
                received.add(message);
            } while (!markerId.equals(message.getStringProperty("messageId")));
            return received;
        }

        String name() {
            return name;
        }

        /** Disconnects but keeps the subscription, which goes on storing messages. */
        void detach() throws JMSException {
            connection.close();
            factory.close();
        }

        @Override
        public void close() throws JMSException {
            consumer.close();
            session.unsubscribe(name);
            detach();
        }
    }
}
