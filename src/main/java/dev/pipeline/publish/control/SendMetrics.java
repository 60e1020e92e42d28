package dev.pipeline.publish.control;

import dev.pipeline.topics.entity.Topic;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * {@code pipeline_publish_transactions_total} and {@code pipeline_publish_transaction_messages_total}
 * per topic: their quotient is the mean number of messages a send stored (a message alone counts
 * as a send of one), i.e. how many singles a lane sent together.
 */
final class SendMetrics implements SendCounts {

    private static final Metadata TRANSACTIONS = Metadata.builder().withName("pipeline_publish_transactions")
            .withDescription("Sends the broker stored (a transaction, or a message alone), by topic").build();
    private static final Metadata MESSAGES = Metadata.builder().withName("pipeline_publish_transaction_messages")
            .withDescription("Messages in the sends the broker stored, by topic").build();

    private final MetricRegistry registry;
    private final Map<String, TopicCounters> counters = new ConcurrentHashMap<>();

    private record TopicCounters(Counter transactions, Counter messages) {
    }

    SendMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void stored(Topic topic, int messages) {
        TopicCounters topicCounters = counters.computeIfAbsent(topic.name(), name -> new TopicCounters(
                registry.counter(TRANSACTIONS, new Tag("topic", name)), registry.counter(MESSAGES, new Tag("topic", name))));
        topicCounters.transactions().inc();
        topicCounters.messages().inc(messages);
    }
}
