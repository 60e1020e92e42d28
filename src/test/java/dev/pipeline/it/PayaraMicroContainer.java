package dev.pipeline.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.descriptor.api.Descriptor;

/**
 * An Arquillian container that boots Payara Micro with the deployment, as Payara's own
 * {@code arquillian-payara-micro-managed} does, and stops it at undeployment. Ours because that
 * container (3.1) cannot serve this suite: its console reader spins a core for good once an
 * instance has stopped ({@code readLine()} returning null in a loop, measured: a full core per
 * stopped instance), it takes "ready" in the log for a working deployment (Payara logs it after a
 * failed one too), it leaves nothing to read the instance's log or pid by, and it picks ports
 * 8080–9080. This one writes each instance's log to {@code target/it/<instance>/payara.log}, waits
 * for the deployment and a listener that answers, picks ports below the ephemeral range, and
 * records pids for the bench scripts.
 */
public class PayaraMicroContainer implements DeployableContainer<PayaraMicroConfiguration> {

    /** What Arquillian's Servlet protocol calls to run a test inside the deployment. */
    private static final String SERVLET_RUNNER = "ArquillianServletRunnerEE9";
    private static final Map<String, PayaraMicro> RUNNING = new ConcurrentHashMap<>();

    private PayaraMicroConfiguration configuration;

    /** The instance started under that name in {@code arquillian.xml}, while it runs. */
    static PayaraMicro running(String instance) {
        PayaraMicro payara = RUNNING.get(instance);
        if (payara == null) {
            throw new IllegalStateException("no Payara Micro instance '" + instance + "' is running");
        }
        return payara;
    }

    String instance() {
        return configuration.getInstance();
    }

    @Override
    public Class<PayaraMicroConfiguration> getConfigurationClass() {
        return PayaraMicroConfiguration.class;
    }

    @Override
    public void setup(PayaraMicroConfiguration configuration) {
        this.configuration = configuration;
    }

    /** Nothing to start: Payara Micro boots with its deployment. */
    @Override
    public void start() {
    }

    /** Stops an instance left running by a failed deployment, which Arquillian does not undeploy. */
    @Override
    public void stop() throws LifecycleException {
        try {
            stopInstance();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifecycleException("interrupted while stopping " + configuration.getInstance(), e);
        }
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription("Servlet 5.0");
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        String instance = configuration.getInstance();
        String contextRoot = archive.getName().replaceFirst("\\.[a-z]+$", "");
        PayaraMicro payara;
        try {
            Path file = PayaraMicro.instanceDir(instance).resolve("deployments").resolve(archive.getName());
            Files.createDirectories(file.getParent());
            archive.as(ZipExporter.class).exportTo(file.toFile(), true);
            payara = PayaraMicro.launch(instance, file, configuration.deployFirstList(), configuration.addLibsList(), configuration.systemPropertyMap(),
                    configuration.environmentMap(), configuration.isShipped(), configuration.getPort(), configuration.bootFiles());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new DeploymentException("could not launch Payara Micro '" + instance + "'", e);
        }
        RUNNING.put(instance, payara);
        try {
            payara.awaitDeployed(contextRoot);
        } catch (PayaraMicro.DeploymentFailed e) {
            throw new DeploymentException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            RUNNING.remove(instance);
            throw new DeploymentException("Payara Micro '" + instance + "' did not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeploymentException("interrupted while starting " + instance, e);
        }
        HTTPContext http = new HTTPContext("localhost", payara.port());
        http.add(new Servlet(SERVLET_RUNNER, "/" + contextRoot));
        return new ProtocolMetaData().addContext(http);
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        try {
            stopInstance();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeploymentException("interrupted while stopping " + configuration.getInstance(), e);
        }
    }

    private void stopInstance() throws InterruptedException {
        PayaraMicro payara = RUNNING.remove(configuration.getInstance());
        if (payara != null) {
            payara.close();
        }
    }

    @Override
    public void deploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("Payara Micro deploys archives only");
    }

    @Override
    public void undeploy(Descriptor descriptor) {
        throw new UnsupportedOperationException("Payara Micro deploys archives only");
    }
}
