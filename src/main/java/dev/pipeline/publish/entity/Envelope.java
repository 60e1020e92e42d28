package dev.pipeline.publish.entity;

import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.v1.Message;

/** One message as it goes to the broker: the body's format and the request's trace context go with it. */
public record Envelope(Message message, BodyFormat format, String traceparent) {
}
