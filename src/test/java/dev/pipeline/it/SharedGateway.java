package dev.pipeline.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands the tests of a class deployed to the {@code shared} container the gateway Arquillian
 * started and the broker behind it ({@link SharedBroker}). That gateway runs as shipped (the
 * pre-boot and post-deploy commands and system.properties of server-config/); the other containers run stock
 * Payara Micro.
 */
final class SharedGateway implements ParameterResolver {

    static final String UNSUBSCRIBED_TOPIC = SharedBroker.UNSUBSCRIBED_TOPIC;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestBroker.class || type == Gateway.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestBroker.class
                ? SharedBroker.broker()
                : new Gateway(PayaraMicroContainer.running(SharedBroker.INSTANCE));
    }
}
