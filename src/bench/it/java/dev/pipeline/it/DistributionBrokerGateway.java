package dev.pipeline.it;

import dev.pipeline.testing.SchemaCatalogues;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For the benchmark and the soak: the gateway as shipped on Payara Micro, connected with
 * credentials to a {@link DistributionBroker}.
 */
record DistributionBrokerGateway(ArtemisProcess broker, PayaraMicro payara, Gateway gateway) implements AutoCloseable {

    static final String TOKEN = DistributionBroker.TOKEN;
    /** What docker/Dockerfile sets for Payara's JVM: two glibc malloc arenas, a heap kept at most 40 % free (bench/RESULTS.md, "Memory"). */
    static final String SHIPPED_ENVIRONMENT = "MALLOC_ARENA_MAX=2,JAVA_TOOL_OPTIONS=-XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40";
    /** One topic; it lists the order schemas of src/test/resources/schemas, which messages may name (the schema row does). */
    private static final String ORDERS_ONLY = """
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"],
                            "schemas": [ { "ref": "%1$s", "version": "1", "file": "schemas/order-1.json" },
                                         { "ref": "%1$s", "version": "2", "file": "schemas/order-2.json" } ] } ] }
            """.formatted(SchemaCatalogues.ORDER_REF);

    /**
     * The service as shipped: Payara Micro with {@code server-config/pre-boot-commands.asadmin}
     * and {@code system.properties}, in the {@link #environment()} of the image; returns once
     * {@code /health/ready} answers 200, the time to that kept in {@link PayaraMicro#readyAfterLaunch()}.
     */
    static DistributionBrokerGateway startConfigured(String name) throws Exception {
        Path dir = PayaraMicro.instanceDir(name);
        ArtemisProcess broker = DistributionBroker.start(dir);
        SchemaCatalogues.copySchemas(dir);
        try {
            PayaraMicro payara = PayaraMicro.launch(name, Path.of(System.getProperty("pipeline.war")), List.of(), List.of(), Map.of(
                    "pipeline.broker.url", broker.url(),
                    "pipeline.broker.user", ArtemisProcess.USER,
                    "pipeline.broker.password", ArtemisProcess.PASSWORD,
                    "pipeline.topics.file", TestFiles.write(dir.resolve("topics.json"), ORDERS_ONLY).toString(),
                    "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                    "mp.jwt.verify.issuer", TestTokens.ISSUER), environment(), true, 0);
            payara.awaitReady();
            return new DistributionBrokerGateway(broker, payara, new Gateway(payara));
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
    }

    /**
     * Payara's environment as docker/Dockerfile ships it ({@link #SHIPPED_ENVIRONMENT}); {@code
     * -Dbench.payaraEnvironment=KEY=value,...} ({@code BENCH_PAYARA_ENV} of bench/run.sh)
     * replaces it, e.g. to compare with glibc's default ({@code BENCH_PAYARA_ENV=}) or to give
     * Payara one more JVM option ({@code JAVA_TOOL_OPTIONS=-XX:...}).
     */
    static Map<String, String> environment() {
        String given = System.getProperty("bench.payaraEnvironment", SHIPPED_ENVIRONMENT);
        Map<String, String> environment = new LinkedHashMap<>();
        for (String pair : given.trim().split(",")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                environment.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return environment;
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
