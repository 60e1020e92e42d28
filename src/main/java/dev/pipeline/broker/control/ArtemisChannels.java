package dev.pipeline.broker.control;

import dev.pipeline.publish.control.PublishChannel;
import dev.pipeline.publish.control.PublishChannels;
import dev.pipeline.publish.control.SendFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Publishing's channels, as sessions on the service's one broker connection. */
@ApplicationScoped
public class ArtemisChannels implements PublishChannels {

    @Inject
    BrokerConnection broker;

    private final Subscriptions subscriptions = new Subscriptions();

    @Override
    public PublishChannel open() throws SendFailure {
        return ArtemisChannel.open(broker, subscriptions);
    }
}
