package dev.pipeline.it;

import dev.pipeline.testing.SchemaCatalogues;
import java.nio.file.Path;
import java.util.List;
import org.jboss.arquillian.container.spi.event.container.BeforeDeploy;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.test.spi.event.suite.AfterSuite;

/**
 * The test broker behind the {@code shared} container of {@code arquillian.xml}: started before
 * the first deployment to that container, stopped when the suite ends. It publishes the broker URL
 * and the paths of the catalogue and public key it wrote as the system properties
 * {@code shared.brokerUrl}, {@code shared.topicsFile} and {@code shared.publicKey}, which that
 * container's configuration names.
 */
public class SharedBroker {

    /** Topics created on the test broker, each with a durable subscription. */
    static final List<String> TOPICS = List.of("orders", "clicks", "audit", "checked-orders");
    /** Lists the order schemas of src/test/resources/schemas (versions 1 and 2) and requires one. */
    static final String SCHEMA_TOPIC = "checked-orders";
    /** In the catalogue, but not on the broker. */
    static final String UNSUBSCRIBED_TOPIC = "unsubscribed";
    static final String INSTANCE = "shared";

    private static volatile TestBroker broker;

    /** The broker the shared gateway stores to; started once the shared container has deployed. */
    static TestBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the shared broker starts with the first deployment to the 'shared' container");
        }
        return broker;
    }

    public void startBeforeSharedDeployment(@Observes BeforeDeploy event) throws Exception {
        if (broker == null && event.getDeployableContainer() instanceof PayaraMicroContainer container
                && INSTANCE.equals(container.instance())) {
            broker = start();
        }
    }

    public void stopAfterSuite(@Observes AfterSuite event) throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    private static TestBroker start() throws Exception {
        Path dir = PayaraMicro.instanceDir(INSTANCE);
        TestBroker started = TestBroker.start(PayaraMicro.freePort(), dir.resolve("broker-" + System.nanoTime()), TOPICS);
        Path catalogue = TestFiles.write(dir.resolve("topics.json"), """
                { "topics": [
                  { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] },
                  { "name": "clicks", "ttl": "PT10M", "producers": ["clicks-writer", "orders-writer"] },
                  { "name": "audit", "ttl": "PT5M", "producers": ["auditor"] },
                  { "name": "%1$s", "ttl": "PT5M", "producers": ["orders-writer"] },
                  { "name": "%2$s", "ttl": "PT1H", "producers": ["orders-writer"], "requireSchema": true,
                    "schemas": [ { "ref": "%3$s", "version": "1", "file": "schemas/order-1.json" },
                                 { "ref": "%3$s", "version": "2", "file": "schemas/order-2.json" } ] } ] }
                """.formatted(UNSUBSCRIBED_TOPIC, SCHEMA_TOPIC, SchemaCatalogues.ORDER_REF));
        SchemaCatalogues.copySchemas(dir);
        System.setProperty("shared.brokerUrl", started.url());
        System.setProperty("shared.topicsFile", catalogue.toString());
        System.setProperty("shared.publicKey", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString());
        return started;
    }
}
