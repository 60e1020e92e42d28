package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.broker.control.BrokerConnection;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.produce.control.OutgoingMessages;
import dev.pipeline.publish.boundary.MessagePublisher;
import dev.pipeline.topics.control.TopicCatalogue;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inside the deployed WAR, on the shared gateway's configuration: the beans the produce path
 * stands on are the ones meant, wired to the configured catalogue and a real broker connection.
 */
@ExtendWith(ArquillianExtension.class)
class WiringIT {

    @Deployment
    static WebArchive pipelineWithThisTest() {
        return Deployments.pipeline().addClass(WiringIT.class);
    }

    /*
     * Looked up through CDI.current() in each test, which runs inside the deployment: Arquillian's
     * CDI enricher finds no BeanManager under java:comp/BeanManager on Payara Micro and leaves
     * @Inject fields null, and JUnit also builds the instance outside the container.
     */
    private static <T> T bean(Class<T> type) {
        return CDI.current().select(type).get();
    }

    @Test
    void noAuthenticationMechanismRunsPerRequestOnlyTheBearerTokenFilter() {
        assertTrue(CDI.current().select(HttpAuthenticationMechanism.class).isUnsatisfied(),
                "Payara's MP-JWT mechanism (and with it Soteria's JASPIC module) is installed");
    }

    @Test
    void catalogueIsTheConfiguredFileNotALocalRunDefault() {
        TopicCatalogue catalogue = bean(TopicCatalogue.class);
        assertEquals(Set.of("orders", "clicks", "audit", "unsubscribed", "checked-orders"),
                catalogue.all().stream().map(Topic::name).collect(Collectors.toSet()));
    }

    @Test
    void brokerConnectionReachesTheConfiguredBroker() throws Exception {
        TopicCatalogue catalogue = bean(TopicCatalogue.class);
        assertEquals(List.of("unsubscribed"), bean(BrokerConnection.class).topicsWithoutSubscription(catalogue.all()),
                "only the broker the suite started knows which topics have subscriptions");
    }

    @Test
    void publisherStoresAMessageOnTheBroker() throws Exception {
        Message message = Message.newBuilder().setMessageId("wiring-" + UUID.randomUUID()).setMessage("wired")
                .setSentTime(System.currentTimeMillis()).build();
        MessagePublisher publisher = bean(MessagePublisher.class);
        Topic audit = bean(TopicCatalogue.class).topic("audit").orElseThrow();
        List<String> stored = publisher.publish(audit, publisher.admit(audit), OutgoingMessages.of(BodyFormat.JSON, List.of(message), null))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(message.getMessageId()), stored);
    }
}
