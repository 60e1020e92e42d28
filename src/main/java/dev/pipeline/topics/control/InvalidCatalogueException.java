package dev.pipeline.topics.control;

/** The topic catalogue cannot be used; thrown at deployment so that it fails as a whole. */
public class InvalidCatalogueException extends RuntimeException {

    public InvalidCatalogueException(String message) {
        super(message);
    }

    public InvalidCatalogueException(String message, Throwable cause) {
        super(message, cause);
    }
}
