package dev.pipeline.it;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An Apache Artemis distribution broker running {@code server-config/broker.xml} as its own
 * process, for one test class: topic {@code orders}, and {@code tiny} and {@code blocking} limited
 * to 100 KB with address-full-policy FAIL and BLOCK. Registered before {@code ArquillianExtension},
 * it starts before the {@code distribution} container deploys, whose configuration reads the
 * broker's URL, credentials, catalogue and key from the {@code distribution.*} system properties.
 */
final class DistributionBroker implements BeforeAllCallback, AfterAllCallback {

    static final String TOKEN = TestTokens.serviceToken("orders-writer").sign();
    static final String INSTANCE = "distribution";

    static final String ALL_TOPICS = """
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "tiny", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "blocking", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
            """;

    private static ArtemisProcess broker;

    /** The class's broker, once started. */
    static ArtemisProcess broker() {
        return broker;
    }

    /** The gateway Arquillian deployed to the {@code distribution} container. */
    static Gateway gateway() {
        return new Gateway(PayaraMicroContainer.running(INSTANCE));
    }

    /** Starts the broker with the {@code tiny} and {@code blocking} limits, not yet its gateway. */
    static ArtemisProcess start(Path dir) throws Exception {
        ArtemisProcess broker = ArtemisProcess.create(dir, """
                <address-setting match="tiny">
                   <max-size-bytes>100KB</max-size-bytes>
                   <address-full-policy>FAIL</address-full-policy>
                </address-setting>
                <address-setting match="blocking">
                   <max-size-bytes>100KB</max-size-bytes>
                   <address-full-policy>BLOCK</address-full-policy>
                </address-setting>
                """);
        broker.start();
        return broker;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dir = PayaraMicro.instanceDir(INSTANCE);
        broker = start(dir);
        System.setProperty("distribution.brokerUrl", broker.url());
        System.setProperty("distribution.brokerUser", ArtemisProcess.USER);
        System.setProperty("distribution.brokerPassword", ArtemisProcess.PASSWORD);
        System.setProperty("distribution.topicsFile", TestFiles.write(dir.resolve("topics.json"), ALL_TOPICS).toString());
        System.setProperty("distribution.publicKey", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
