package dev.pipeline.it;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A replicated pair of Apache Artemis distribution brokers running {@code server-config/broker-primary.xml}
 * and {@code broker-backup.xml} as shipped, for one test class: the primary active, the backup
 * synchronised. Registered before {@code ArquillianExtension}, it starts before the
 * {@code gateway-a} and {@code gateway-b} containers (FailoverIT) or {@code consumer-example-pair}
 * (ConsumerExampleFailoverIT) deploy, whose configuration reads the pair's
 * ports, credentials, catalogue and key from the {@code pair.*} system properties (the HA URL
 * itself stands in {@code arquillian.xml}, as server-config/README.md gives it).
 */
final class ReplicatedPair implements BeforeAllCallback, AfterAllCallback {

    static final String TOKEN = TestTokens.serviceToken("orders-writer").sign();
    static final String GATEWAY_A = "gateway-a";
    static final String GATEWAY_B = "gateway-b";
    private static final String TOPICS = """
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
            """;

    private static ArtemisProcess primary;
    private static ArtemisProcess backup;

    static ArtemisProcess primary() {
        return primary;
    }

    static ArtemisProcess backup() {
        return backup;
    }

    /** The URL server-config/README.md gives for a pair: both brokers, HA, reconnecting for ever. */
    static String haUrl() {
        return "(tcp://localhost:" + primary.port() + ",tcp://localhost:" + backup.port() + ")?ha=true&reconnectAttempts=-1";
    }

    /** The same URL with the test's credentials, for JMS clients of the tests. */
    static String clientUrl() {
        return haUrl() + "&user=" + ArtemisProcess.USER + "&password=" + ArtemisProcess.PASSWORD;
    }

    static Gateway gateway(String instance) {
        return new Gateway(PayaraMicroContainer.running(instance));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dir = PayaraMicro.instanceDir("pair");
        int primaryPort = PayaraMicro.freePort();
        int backupPort = PayaraMicro.freePort();
        while (backupPort == primaryPort) {
            backupPort = PayaraMicro.freePort();
        }
        primary = ArtemisProcess.createPairMember(dir.resolve("primary"), "primary", primaryPort, backupPort);
        backup = ArtemisProcess.createPairMember(dir.resolve("backup"), "backup", backupPort, primaryPort);
        primary.start();
        backup.startBackup();
        System.setProperty("pair.primaryPort", Integer.toString(primaryPort));
        System.setProperty("pair.backupPort", Integer.toString(backupPort));
        System.setProperty("pair.brokerUser", ArtemisProcess.USER);
        System.setProperty("pair.brokerPassword", ArtemisProcess.PASSWORD);
        System.setProperty("pair.topicsFile", TestFiles.write(dir.resolve("topics.json"), TOPICS).toString());
        System.setProperty("pair.publicKey", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (backup != null) {
                backup.close();
            }
        } finally {
            if (primary != null) {
                primary.close();
            }
            primary = null;
            backup = null;
        }
    }
}
