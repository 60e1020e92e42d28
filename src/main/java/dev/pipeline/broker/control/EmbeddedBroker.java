package dev.pipeline.broker.control;

import dev.pipeline.lifecycle.control.HeldLoggerLevel;
import dev.pipeline.topics.entity.Topic;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * The Artemis broker of a local run, in the service's own JVM: persistent, reachable by JMS
 * consumers on a TCP acceptor, and by the service itself in-VM. Its settings mirror
 * {@code server-config/broker.xml}, the file for an external broker.
 */
final class EmbeddedBroker {

    static final String IN_VM_URL = "vm://0";
    private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class.getName());
    private static final String EXPIRY_QUEUE = "ExpiryQueue";
    private static final String DEAD_LETTER_QUEUE = "DLQ";
    /** Duplicate-detection window per address: retries of any of the last this-many messageIds are dropped. */
    static final int DUPLICATE_ID_CACHE = 100_000;
    /** ns; what `artemis create` measures for this disk class, instead of the NIO default of 3.33 ms. */
    private static final int JOURNAL_BUFFER_TIMEOUT_NANOS = 124_000;
    private static final long GLOBAL_MAX_BYTES = 128L * 1024 * 1024;

    /**
     * Artemis's audit loggers: at INFO the message one logs a line of about 1.5 KB for every message
     * sent, so any producer could fill the operator's disk. The distribution turns them off in its
     * logging configuration; the embedded broker holds them at WARNING unless the operator set a level.
     */
    static final List<String> AUDIT_LOGGERS = List.of("org.apache.activemq.audit.base",
            "org.apache.activemq.audit.message", "org.apache.activemq.audit.resource");

    private final EmbeddedActiveMQ server;
    private final List<HeldLoggerLevel> quietedAudit;

    private EmbeddedBroker(EmbeddedActiveMQ server, List<HeldLoggerLevel> quietedAudit) {
        this.server = server;
        this.quietedAudit = quietedAudit;
    }

    static EmbeddedBroker start(Path dataDirectory, String acceptorUrl, Collection<Topic> topics) {
        Configuration config = new ConfigurationImpl()
                .setName("pipeline-embedded")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalBufferTimeout_NIO(JOURNAL_BUFFER_TIMEOUT_NANOS)
                .setJournalDirectory(dataDirectory.resolve("journal").toString())
                .setBindingsDirectory(dataDirectory.resolve("bindings").toString())
                .setLargeMessagesDirectory(dataDirectory.resolve("large-messages").toString())
                .setPagingDirectory(dataDirectory.resolve("paging").toString())
                .setIDCacheSize(DUPLICATE_ID_CACHE)
                .setPersistIDCache(true)
                .setGlobalMaxSize(GLOBAL_MAX_BYTES);
        try {
            config.addAcceptorConfiguration("in-vm", IN_VM_URL);
            config.addAcceptorConfiguration("tcp", acceptorUrl);
        } catch (Exception e) {
            throw new IllegalArgumentException("embedded broker acceptor " + acceptorUrl + " is not a valid URL", e);
        }
        config.addAddressSetting("#", new AddressSettings()
                .setExpiryAddress(SimpleString.of(EXPIRY_QUEUE))
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_QUEUE))
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
        for (String queue : new String[] {EXPIRY_QUEUE, DEAD_LETTER_QUEUE}) {
            config.addAddressConfiguration(new CoreAddressConfiguration().setName(queue)
                    .addRoutingType(RoutingType.ANYCAST)
                    .addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST)));
        }
        topics.forEach(topic -> config.addAddressConfiguration(new CoreAddressConfiguration().setName(topic.name())
                .addRoutingType(RoutingType.MULTICAST)
                .addQueueConfiguration(QueueConfiguration.of(localSubscription(topic.name()))
                        .setAddress(topic.name()).setRoutingType(RoutingType.MULTICAST).setDurable(true))));

        List<HeldLoggerLevel> quietedAudit = HeldLoggerLevel.holdAll(AUDIT_LOGGERS, Level.WARNING);
        EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
        try {
            server.start();
        } catch (Exception e) {
            quietedAudit.forEach(HeldLoggerLevel::release);
            throw new IllegalStateException("embedded broker did not start (data " + dataDirectory + ", acceptor "
                    + acceptorUrl + "): " + e.getMessage(), e);
        }
        LOG.info(() -> "Embedded Artemis broker started: data " + dataDirectory.toAbsolutePath() + ", JMS clients connect to "
                + acceptorUrl);
        return new EmbeddedBroker(server, quietedAudit);
    }

    /**
     * The durable subscription every topic of a local run has, so that nothing sent is dropped and
     * a consumer started later still finds it ({@code createSharedDurableConsumer(topic, "orders-local")}).
     */
    static String localSubscription(String topic) {
        return topic + "-local";
    }

    void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warning("Embedded broker did not stop cleanly: " + e);
        }
        quietedAudit.forEach(HeldLoggerLevel::release);
    }
}
