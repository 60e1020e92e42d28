package dev.pipeline.broker.control;

import dev.pipeline.topics.control.TopicCatalogue;
import dev.pipeline.topics.entity.Topic;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnector;
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
    private static final long RECONNECT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long EVENT_LOOP_STOP_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * Client defaults for a request path, so that a broker that is gone or frozen costs a request
     * about 2 s, not the client's default 30 s, and a dead connection is noticed within seconds.
     * A URL that names one of these keeps its own value.
     */
    private static final String[][] CLIENT_DEFAULTS = {
            {"callTimeout", "2000"},
            {"callFailoverTimeout", "2000"},
            {"connectionTTL", "10000"},
            {"clientFailureCheckPeriod", "3000"},
    };
    /**
     * Added to a TLS link ({@code sslEnabled=true}) unless the URL names them. {@code verifyHost}:
     * the broker's certificate must name the host the URL connects to; the client bundled here
     * checks by default, older ones (and their documentation) did not, so it is said here, not left
     * to the client's version. {@code forceSSLParameters}: the trust store (and key store) are the
     * URL's alone: without it the client takes {@code javax.net.ssl.trustStore} and
     * {@code javax.net.ssl.keyStore} over the URL's, so Payara's HTTPS key store settings would
     * replace the trust store the operator named for the broker. A TLS URL without
     * {@code trustStorePath} trusts what the JVM trusts by default.
     */
    private static final String[][] TLS_DEFAULTS = {
            {"verifyHost", "true"},
            {"forceSSLParameters", "true"},
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
    private Link link;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        try {
            List<String> unbound = topicsWithoutSubscription(catalogue.all());
            if (!unbound.isEmpty()) {
                LOG.warning("Catalogue topics without a subscription on the broker: " + unbound
                        + ". Producing to them answers 503 until an operator creates one (server-config/README.md, The broker).");
            }
        } catch (JMSException e) {
            LOG.warning("Broker not reachable at start; requests answer 503 until it is: " + e.getMessage());
        }
    }

    /** The topics whose address is missing on the broker or has no queue to store messages in. */
    public List<String> topicsWithoutSubscription(Collection<Topic> topics) throws JMSException {
        try (Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            List<String> unbound = new ArrayList<>();
            for (Topic topic : topics) {
                if (!TopicBindings.hasSubscription(session, topic.name())) {
                    unbound.add(topic.name());
                }
            }
            return unbound;
        }
    }

    @PostConstruct
    void start() {
        String url = brokerUrl.orElseGet(() -> {
            LOG.warning(embeddedBrokerWarning(dataDirectory, embeddedAcceptor));
            embedded = EmbeddedBroker.start(Path.of(dataDirectory), embeddedAcceptor, catalogue.all());
            return EmbeddedBroker.IN_VM_URL;
        });
        factory = new ActiveMQConnectionFactory(withClientDefaults(url));
        link = new Link(() -> user.isPresent()
                ? factory.createConnection(user.get(), password.orElse(null))
                : factory.createConnection(), RECONNECT_PAUSE_NANOS);
    }

    /** The default is fine for a local run but easy to miss in production: say so once. */
    static String embeddedBrokerWarning(String dataDirectory, String acceptor) {
        return "pipeline.broker.url is not set: messages are stored by an embedded Artemis broker in this JVM (journal "
                + Path.of(dataDirectory).toAbsolutePath() + ", JMS consumers on " + acceptor
                + "); set pipeline.broker.url to use your own broker";
    }

    static String withClientDefaults(String url) {
        String result = url;
        for (String[] setting : CLIENT_DEFAULTS) {
            result = withSetting(result, setting);
        }
        if (url.toLowerCase(Locale.ROOT).contains("sslenabled=true")) {
            for (String[] setting : TLS_DEFAULTS) {
                result = withSetting(result, setting);
            }
        }
        return result;
    }

    /** The URL with {@code setting} added, unless the URL names that setting itself. */
    private static String withSetting(String url, String[] setting) {
        if (url.contains(setting[0] + "=")) {
            return url;
        }
        return url + (url.contains("?") ? '&' : '?') + setting[0] + '=' + setting[1];
    }

    /** The connection all publishing sessions share, connecting if there is none. */
    public Connection connection() throws JMSException {
        return link.connection();
    }

    /** Whether sessions made from this connection may still be used. */
    public boolean isCurrent(Connection candidate) {
        return link.isCurrent(candidate);
    }

    public void discard(Connection broken, String reason) {
        link.discard(broken, reason);
    }

    /**
     * Closes the connection, then the Artemis client's static thread pools and Netty event loops:
     * they belong to the client bundled in this WAR and outlive every connection, so without this
     * an undeploy from a running server (Payara Server) left the pools' threads, and the WAR's
     * class loader, behind, and the event loops ended 10 s later failing to load classes from the
     * closed class loader. Waits for the event loops, so that they end while it is still open.
     */
    @PreDestroy
    void stop() {
        link.close();
        factory.close();
        if (embedded != null) {
            embedded.stop();
        }
        ActiveMQClient.clearThreadPools();
        NettyConnector.clearThreadPools();
        awaitEventLoopsEnded();
    }

    private static void awaitEventLoopsEnded() {
        ClassLoader client = NettyConnector.class.getClassLoader();
        long deadline = System.nanoTime() + EVENT_LOOP_STOP_NANOS;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().endsWith("(activemq-client-remoting)") && thread.getContextClassLoader() == client) {
                try {
                    TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
