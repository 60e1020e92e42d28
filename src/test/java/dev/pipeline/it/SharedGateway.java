package dev.pipeline.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One test broker and one gateway connected to it, started for the first test class that needs
 * them and stopped when the whole run ends. Test classes get them as parameters. This gateway runs
 * with the shipped post-boot commands; the others of the suite run on stock Payara Micro.
 */
final class SharedGateway implements BeforeAllCallback, ParameterResolver {

    /** Topics created on the test broker, each with a durable subscription. */
    static final List<String> TOPICS = List.of("orders", "clicks", "audit");
    /** In the catalogue, but not on the broker. */
    static final String UNSUBSCRIBED_TOPIC = "unsubscribed";

    record Environment(TestBroker broker, Gateway gateway) implements CloseableResource {
        @Override
        public void close() throws Throwable {
            try {
                gateway.payara().close();
            } finally {
                broker.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        environment(context);
    }

    private static Environment environment(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Environment.class, key -> start(), Environment.class);
    }

    private static Environment start() {
        try {
            Path dir = Path.of(System.getProperty("pipeline.testDir", "target/it")).toAbsolutePath().resolve("shared");
            TestBroker broker = TestBroker.start(PayaraMicro.freePort(), dir.resolve("broker-" + System.nanoTime()), TOPICS);
            try {
                Path catalogue = TestFiles.write(dir.resolve("topics.json"), """
                        { "topics": [
                          { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "clicks", "ttl": "PT10M", "producers": ["clicks-writer", "orders-writer"] },
                          { "name": "audit", "ttl": "PT5M", "producers": ["auditor"] },
                          { "name": "%s", "ttl": "PT5M", "producers": ["orders-writer"] } ] }
                        """.formatted(UNSUBSCRIBED_TOPIC));
                PayaraMicro payara = PayaraMicro.startConfigured("shared", Map.of(
                        "pipeline.broker.url", broker.url(),
                        "pipeline.topics.file", catalogue.toString(),
                        "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                        "mp.jwt.verify.issuer", TestTokens.ISSUER));
                return new Environment(broker, new Gateway(payara));
            } catch (Exception | Error e) {
                broker.close();
                throw e;
            }
        } catch (Exception e) {
            throw new IllegalStateException("the shared gateway did not start", e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestBroker.class || type == Gateway.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Environment environment = environment(context);
        return parameter.getParameter().getType() == TestBroker.class ? environment.broker() : environment.gateway();
    }
}
