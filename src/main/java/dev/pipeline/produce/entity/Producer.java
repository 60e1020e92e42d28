package dev.pipeline.produce.entity;

import java.util.Optional;
import java.util.Set;

/**
 * Who is producing, as the verified token says: its groups, and for an IMS Gateway token the
 * IMS org it speaks for (a Service token has none).
 */
public record Producer(String subject, Set<String> groups, Optional<String> imsOrg) {

    public Producer {
        groups = Set.copyOf(groups);
    }
}
