package dev.pipeline.it;

import java.util.Map;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the test classes whose tests each start the WAR on stock Payara Micro with a
 * configuration of their own: the manual {@code stock} container of {@code arquillian.xml}, driven
 * through {@link StockGateway}.
 */
@ExtendWith(ArquillianExtension.class)
abstract class StockPayaraTest {

    @ArquillianResource
    ContainerController containers;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = StockGateway.DEPLOYMENT, managed = false, testable = false)
    @TargetsContainer(StockGateway.CONTAINER)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    /** The WAR deployed on an instance configured by these system properties. */
    StockGateway startStock(String instance, Map<String, String> systemProperties) {
        return StockGateway.start(containers, deployer, instance, systemProperties);
    }

    /** The WAR deployed on an instance configured through environment variables only, as a container image is. */
    StockGateway startStockWithEnvironment(String instance, Map<String, String> environment) {
        return StockGateway.startWithEnvironment(containers, deployer, instance, environment);
    }

    /** The WAR deployed on Payara Micro as shipped (the boot files of server-config/) on this HTTP port. */
    StockGateway startShipped(String instance, int port, Map<String, String> systemProperties) {
        StockGateway gateway = StockGateway.launch(containers, deployer, instance, Map.of(
                "systemProperties", PayaraMicroConfiguration.lines(systemProperties),
                "shipped", "true", "port", Integer.toString(port)));
        gateway.deploy();
        return gateway;
    }

    /** An instance configured by these system properties, the WAR not yet deployed: {@link StockGateway#deploy()}. */
    StockGateway launchStock(String instance, Map<String, String> systemProperties) {
        return StockGateway.launch(containers, deployer, instance,
                Map.of("systemProperties", PayaraMicroConfiguration.lines(systemProperties)));
    }
}
