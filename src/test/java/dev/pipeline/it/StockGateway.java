package dev.pipeline.it;

import java.util.HashMap;
import java.util.Map;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;

/**
 * The WAR on the manual container {@code stock} of {@code arquillian.xml}, stock Payara Micro
 * configured by the test that starts it; stopped on close. A class that uses it declares the
 * deployment: {@code @Deployment(name = StockGateway.DEPLOYMENT, managed = false, testable = false)}
 * with {@code @TargetsContainer(StockGateway.CONTAINER)}.
 */
final class StockGateway implements AutoCloseable {

    static final String CONTAINER = "stock";
    static final String DEPLOYMENT = "pipeline-on-stock";

    private final ContainerController containers;
    private final Deployer deployer;
    private final String instance;
    private boolean deployed;

    private StockGateway(ContainerController containers, Deployer deployer, String instance) {
        this.containers = containers;
        this.deployer = deployer;
        this.instance = instance;
    }

    /** Starts the instance configured by these system properties and deploys the WAR; fails if the WAR does not deploy. */
    static StockGateway start(ContainerController containers, Deployer deployer, String instance, Map<String, String> systemProperties) {
        StockGateway gateway = launch(containers, deployer, instance, Map.of("systemProperties", PayaraMicroConfiguration.lines(systemProperties)));
        gateway.deploy();
        return gateway;
    }

    /** Likewise, configured through environment variables only, as a container image is. */
    static StockGateway startWithEnvironment(ContainerController containers, Deployer deployer, String instance, Map<String, String> environment) {
        StockGateway gateway = launch(containers, deployer, instance, Map.of("environment", PayaraMicroConfiguration.lines(environment)));
        gateway.deploy();
        return gateway;
    }

    /** Starts the instance without deploying yet, for tests of deployments that fail: call {@link #deploy()}. */
    static StockGateway launch(ContainerController containers, Deployer deployer, String instance, Map<String, String> configuration) {
        // Arquillian keeps an override for later starts of the container: set every property each time.
        Map<String, String> complete = new HashMap<>(Map.of("systemProperties", "", "environment", "", "deployFirst", "",
                "shipped", "false", "port", "0"));
        complete.putAll(Map.of("preBootCommandFile", "", "postDeployCommandFile", "", "systemPropertiesFile", "",
                "httpsPort", "0", "httpsTrustStore", "", "httpsTrustStorePassword", ""));
        complete.putAll(configuration);
        complete.put("instance", instance);
        containers.start(CONTAINER, complete);
        return new StockGateway(containers, deployer, instance);
    }

    /** Boots Payara Micro with the WAR; throws if the WAR does not deploy, leaving the instance running. */
    void deploy() {
        deployer.deploy(DEPLOYMENT);
        deployed = true;
    }

    PayaraMicro payara() {
        return PayaraMicroContainer.running(instance);
    }

    Gateway gateway() {
        return new Gateway(payara());
    }

    @Override
    public void close() {
        try {
            if (deployed) {
                deployer.undeploy(DEPLOYMENT);
            }
        } finally {
            containers.stop(CONTAINER);
        }
    }
}
