package dev.pipeline.example.orders.entity;

/** One message the listener processed, as the test endpoint reports it. */
public record ReceivedOrder(String messageId, String messageType, BodyKind bodyKind, int deliveryCount, String message) {

    public enum BodyKind { JSON, PROTOBUF }
}
