package dev.pipeline.produce.entity;

/** How messages travel, in the request and on to JMS consumers. */
public enum BodyFormat {
    JSON("application/json"),
    PROTOBUF("application/x-protobuf");

    private final String mediaType;

    BodyFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The value of the {@code contentType} JMS property. */
    public String mediaType() {
        return mediaType;
    }
}
