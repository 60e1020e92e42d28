package dev.pipeline.example.orders.entity;

/** One message the listener processed, as the test endpoint reports it; orderingKey is "" for a message without one. */
public record ReceivedOrder(String messageId, String messageType, BodyKind bodyKind, int deliveryCount, String message,
        String orderingKey) {

    public enum BodyKind { JSON, PROTOBUF }
}
