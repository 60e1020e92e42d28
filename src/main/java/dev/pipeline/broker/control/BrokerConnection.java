package dev.pipeline.broker.control;

import dev.pipeline.topics.control.TopicCatalogue;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one JMS connection of the service to Artemis, shared by all publishing sessions. It goes to
 * {@code pipeline.broker.url}, or, when that is unset, to an embedded broker started here with the
 * application. A connection the broker drops is discarded, and the next caller connects anew.
 */
@ApplicationScoped
public class BrokerConnection {

    private static final Logger LOG = Logger.getLogger(BrokerConnection.class.getName());
    /** Client defaults for a request path; a URL that names one of these keeps its own value. */
    private static final String[][] CLIENT_DEFAULTS = {
            {"callTimeout", "5000"},
            {"callFailoverTimeout", "5000"},
    };

    @Inject
    @ConfigProperty(name = "pipeline.broker.url")
    Optional<String> brokerUrl;

    @Inject
    @ConfigProperty(name = "pipeline.broker.user")
    Optional<String> user;

    @Inject
    @ConfigProperty(name = "pipeline.broker.password")
    Optional<String> password;

    @Inject
    @ConfigProperty(name = "pipeline.broker.data-dir", defaultValue = "pipeline-data/broker")
    String dataDirectory;

    @Inject
    @ConfigProperty(name = "pipeline.broker.embedded-acceptor", defaultValue = "tcp://localhost:61616")
    String embeddedAcceptor;

    @Inject
    TopicCatalogue catalogue;

    private EmbeddedBroker embedded;
    private ActiveMQConnectionFactory factory;
    private Connection connection;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        try {
            connection();
        } catch (JMSException e) {
            LOG.warning("Broker not reachable at start; requests answer 503 until it is: " + e.getMessage());
        }
    }

    @PostConstruct
    void start() {
        String url = brokerUrl.orElseGet(() -> {
            embedded = EmbeddedBroker.start(Path.of(dataDirectory), embeddedAcceptor, catalogue.all());
            return EmbeddedBroker.IN_VM_URL;
        });
        factory = new ActiveMQConnectionFactory(withClientDefaults(url));
    }

    static String withClientDefaults(String url) {
        StringBuilder result = new StringBuilder(url);
        char separator = url.contains("?") ? '&' : '?';
        for (String[] setting : CLIENT_DEFAULTS) {
            if (!url.contains(setting[0] + "=")) {
                result.append(separator).append(setting[0]).append('=').append(setting[1]);
                separator = '&';
            }
        }
        return result.toString();
    }

    /** The live connection, connecting first if there is none. */
    public synchronized Connection connection() throws JMSException {
        if (connection == null) {
            Connection created = user.isPresent()
                    ? factory.createConnection(user.get(), password.orElse(null))
                    : factory.createConnection();
            created.setExceptionListener(failure -> discard(created, failure.getMessage()));
            connection = created;
            LOG.info("Connected to the broker");
        }
        return connection;
    }

    /** Whether channels made from this connection may still be used. */
    public synchronized boolean isCurrent(Connection candidate) {
        return candidate == connection;
    }

    public void discard(Connection broken, String reason) {
        synchronized (this) {
            if (broken != connection) {
                return;
            }
            connection = null;
        }
        LOG.warning("Broker connection lost: " + reason);
        closeQuietly(broken);
    }

    @PreDestroy
    synchronized void stop() {
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
        factory.close();
        if (embedded != null) {
            embedded.stop();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.fine(() -> "Closing a broken connection failed: " + e);
        }
    }
}
