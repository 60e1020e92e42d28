package dev.pipeline.it;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/** Registers the Payara Micro container and the shared test broker with Arquillian. */
public class PipelineArquillianExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(DeployableContainer.class, PayaraMicroContainer.class).observer(SharedBroker.class);
    }
}
