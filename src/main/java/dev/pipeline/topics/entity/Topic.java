package dev.pipeline.topics.entity;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * A topic of the catalogue: the JMS topic it publishes to, its message TTL, who may produce, and the
 * JSON Schemas its messages may name ({@link TopicSchemas#NONE} for a topic that lists none).
 */
public record Topic(String name, Duration ttl, Set<String> producers, TopicSchemas schemas) {

    public Topic {
        producers = Set.copyOf(producers);
    }

    public Topic(String name, Duration ttl, Set<String> producers) {
        this(name, ttl, producers, TopicSchemas.NONE);
    }

    public boolean admitsAnyOf(Collection<String> groups) {
        return groups.stream().anyMatch(producers::contains);
    }
}
