package dev.pipeline.topics.entity;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/** A topic of the catalogue: the JMS topic it publishes to, its message TTL, and who may produce. */
public record Topic(String name, Duration ttl, Set<String> producers) {

    public Topic {
        producers = Set.copyOf(producers);
    }

    public boolean admitsAnyOf(Collection<String> groups) {
        return groups.stream().anyMatch(producers::contains);
    }
}
