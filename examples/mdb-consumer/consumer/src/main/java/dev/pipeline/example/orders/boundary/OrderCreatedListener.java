package dev.pipeline.example.orders.boundary;

import dev.pipeline.example.orders.control.PipelineMessages;
import dev.pipeline.example.orders.control.ReceivedOrders;
import dev.pipeline.example.orders.entity.ReceivedOrder;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * Reads {@code order.created} messages from the Pipeline topic {@code orders} through the Artemis
 * resource adapter (the RAR deployed as {@code artemis-ra}), on a durable subscription that keeps
 * messages while this application is down. The selector runs on the broker, on the string
 * properties the gateway sets. The broker and its credentials come from MicroProfile Config
 * ({@code orders.broker.host}, {@code orders.broker.port}, {@code orders.broker.backup.host},
 * {@code orders.broker.backup.port}, {@code orders.broker.user}, {@code orders.broker.password}),
 * which Payara substitutes into the activation config at deployment.
 *
 * <p>The resource adapter delivers on a pool of {@code maxSession} sessions at once, so messages are
 * processed concurrently. Those a producer gave an {@code orderingKey} carry it as {@code JMSXGroupID}:
 * the broker hands every message of one key to one of the pool's consumers, which processes them one
 * after the other, so each key's messages are processed in order while different keys go in parallel.
 *
 * <p>onMessage runs in a container transaction: an exception rolls it back and the broker delivers
 * the message again ({@code JMSXDeliveryCount} + 1) instead of losing it.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "resourceAdapter", propertyValue = "artemis-ra"),
        // The RA takes no URL: a broker is a connector class and its parameters, a list of them is
        // two lists of one length, and it applies connectionParameters only with connectorClassName.
        // Two connectors, the primary and the backup of a replicated pair (for one broker, the same
        // twice), with HA: the client follows the pair's topology and fails over to the backup.
        @ActivationConfigProperty(propertyName = "connectorClassName",
                propertyValue = "org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory,"
                        + "org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory"),
        @ActivationConfigProperty(propertyName = "connectionParameters",
                propertyValue = "host=${MPCONFIG=orders.broker.host:localhost};port=${MPCONFIG=orders.broker.port:61616},"
                        + "host=${MPCONFIG=orders.broker.backup.host:localhost};port=${MPCONFIG=orders.broker.backup.port:61616}"),
        @ActivationConfigProperty(propertyName = "HA", propertyValue = "true"),
        @ActivationConfigProperty(propertyName = "reconnectAttempts", propertyValue = "-1"),
        // A broker that requires login (the shipped broker.xml does): set these, as environment variables
        // (ORDERS_BROKER_USER, ORDERS_BROKER_PASSWORD) to keep the password off the command line.
        // A broker with security off ignores them.
        @ActivationConfigProperty(propertyName = "user", propertyValue = "${MPCONFIG=orders.broker.user:}"),
        @ActivationConfigProperty(propertyName = "password", propertyValue = "${MPCONFIG=orders.broker.password:}"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "orders"),
        @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "Durable"),
        @ActivationConfigProperty(propertyName = "clientId", propertyValue = "mdb-consumer"),
        @ActivationConfigProperty(propertyName = "subscriptionName", propertyValue = "order-created"),
        @ActivationConfigProperty(propertyName = "messageSelector", propertyValue = "messageType = 'order.created'"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "4")
})
public class OrderCreatedListener implements MessageListener {

    /** A message whose {@code properties} carry this key set to "true" fails on its first delivery, to show redelivery. */
    static final String FAIL_FIRST_DELIVERY = "example.failFirstDelivery";

    @Inject
    ReceivedOrders received;

    @Override
    public void onMessage(Message jms) {
        try {
            PipelineMessages.Parsed parsed = PipelineMessages.parse(jms);
            int deliveryCount = jms.getIntProperty("JMSXDeliveryCount");
            if (deliveryCount == 1 && "true".equals(parsed.message().getPropertiesOrDefault(FAIL_FIRST_DELIVERY, ""))) {
                throw new IllegalStateException("failing the first delivery of " + parsed.message().getMessageId() + " on request");
            }
            received.add(new ReceivedOrder(parsed.message().getMessageId(), jms.getStringProperty("messageType"),
                    parsed.kind(), deliveryCount, parsed.message().getMessage(), parsed.message().getOrderingKey()));
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
