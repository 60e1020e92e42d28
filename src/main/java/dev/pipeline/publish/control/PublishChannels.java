package dev.pipeline.publish.control;

/** Opens channels to the broker, connecting if need be: the one place publishing meets a broker client. */
public interface PublishChannels {

    PublishChannel open() throws SendFailure;
}
