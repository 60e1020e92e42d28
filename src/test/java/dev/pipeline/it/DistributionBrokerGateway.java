package dev.pipeline.it;

import java.nio.file.Path;
import java.util.Map;

/**
 * The gateway on Payara Micro connected, with credentials, to an Apache Artemis distribution
 * broker running {@code server-config/broker.xml}; topics {@code orders}, and
 * {@code tiny} and {@code blocking} limited to 100 KB with address-full-policy FAIL and BLOCK.
 */
record DistributionBrokerGateway(ArtemisProcess broker, PayaraMicro payara, Gateway gateway) implements AutoCloseable {

    static final String TOKEN = TestTokens.serviceToken("orders-writer").sign();

    private static final String ALL_TOPICS = """
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "tiny", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "blocking", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
            """;

    static DistributionBrokerGateway start(String name) throws Exception {
        return start(name, ALL_TOPICS, PayaraMicro::start);
    }

    /**
     * The service as shipped, for the benchmark: Payara Micro with
     * {@code server-config/post-boot-commands.asadmin} and {@code system.properties}; returns once
     * {@code /health/ready} answers 200, the time to that kept in
     * {@link PayaraMicro#readyAfterLaunch()}. The catalogue holds
     * {@code orders} only: {@code tiny} and {@code blocking} have no subscription in broker.xml,
     * and a catalogue topic without one keeps the service not ready.
     */
    static DistributionBrokerGateway startConfigured(String name) throws Exception {
        String ordersOnly = """
                { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
                """;
        return start(name, ordersOnly, (payaraName, systemProperties) -> {
            PayaraMicro payara = PayaraMicro.launchConfigured(payaraName, systemProperties);
            payara.awaitReady();
            return payara;
        });
    }

    private interface PayaraStart {
        PayaraMicro start(String name, Map<String, String> systemProperties) throws Exception;
    }

    private static DistributionBrokerGateway start(String name, String catalogueJson, PayaraStart payaraStart) throws Exception {
        Path dir = Path.of(System.getProperty("pipeline.testDir", "target/it")).toAbsolutePath().resolve(name);
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
        try {
            Path catalogue = TestFiles.write(dir.resolve("topics.json"), catalogueJson);
            PayaraMicro payara = payaraStart.start(name, Map.of(
                    "pipeline.broker.url", broker.url(),
                    "pipeline.broker.user", ArtemisProcess.USER,
                    "pipeline.broker.password", ArtemisProcess.PASSWORD,
                    "pipeline.topics.file", catalogue.toString(),
                    "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                    "mp.jwt.verify.issuer", TestTokens.ISSUER));
            return new DistributionBrokerGateway(broker, payara, new Gateway(payara));
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            payara.close();
        } finally {
            broker.close();
        }
    }
}
