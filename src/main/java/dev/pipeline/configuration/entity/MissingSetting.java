package dev.pipeline.configuration.entity;

import java.util.List;

/**
 * A configuration key the service cannot work without and nobody set, with the keys that would do
 * instead and what the service does while it is missing.
 */
public record MissingSetting(String key, List<String> alternatives, String consequence) {

    public MissingSetting {
        alternatives = List.copyOf(alternatives);
    }

    /** The one log line an operator reads at start. */
    public String logLine() {
        String instead = alternatives.isEmpty() ? "" : " (nor " + String.join(", ", alternatives) + ")";
        return "Configuration key " + key + " is not set" + instead + ": " + consequence
                + "; /health/ready is DOWN until it is set and the application restarted";
    }
}
