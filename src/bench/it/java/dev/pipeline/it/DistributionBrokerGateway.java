package dev.pipeline.it;

import java.nio.file.Path;
import java.util.Map;

/**
 * For the benchmark and the soak: the gateway as shipped on Payara Micro, connected with
 * credentials to a {@link DistributionBroker}.
 */
record DistributionBrokerGateway(ArtemisProcess broker, PayaraMicro payara, Gateway gateway) implements AutoCloseable {

    static final String TOKEN = DistributionBroker.TOKEN;
    private static final String ORDERS_ONLY = """
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
            """;

    /**
     * The service as shipped: Payara Micro with {@code server-config/pre-boot-commands.asadmin}
     * and {@code system.properties}; returns once {@code /health/ready} answers 200, the time to
     * that kept in {@link PayaraMicro#readyAfterLaunch()}.
     */
    static DistributionBrokerGateway startConfigured(String name) throws Exception {
        Path dir = PayaraMicro.instanceDir(name);
        ArtemisProcess broker = DistributionBroker.start(dir);
        try {
            PayaraMicro payara = PayaraMicro.launchConfigured(name, Map.of(
                    "pipeline.broker.url", broker.url(),
                    "pipeline.broker.user", ArtemisProcess.USER,
                    "pipeline.broker.password", ArtemisProcess.PASSWORD,
                    "pipeline.topics.file", TestFiles.write(dir.resolve("topics.json"), ORDERS_ONLY).toString(),
                    "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                    "mp.jwt.verify.issuer", TestTokens.ISSUER));
            payara.awaitReady();
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
