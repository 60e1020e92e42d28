package dev.pipeline.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The archives the integration tests deploy: the WAR the build made, as it is shipped. */
final class Deployments {

    private Deployments() {
    }

    static WebArchive pipeline() {
        String war = System.getProperty("pipeline.war");
        if (war == null || !new File(war).isFile()) {
            throw new IllegalStateException("system property pipeline.war must name the built WAR (run through mvn verify)");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(war));
    }
}
