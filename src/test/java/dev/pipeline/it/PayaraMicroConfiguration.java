package dev.pipeline.it;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/**
 * How {@link PayaraMicroContainer} starts one instance, from a {@code <container>} of
 * {@code arquillian.xml} or the map a test hands to {@code ContainerController.start}.
 * {@code systemProperties} and {@code environment} hold {@code key=value} pairs apart by white
 * space (Arquillian folds the lines of a property into one), so no value holds a space; a
 * {@code ${name}} in a value is replaced at deployment by the system property of that name, so a
 * value that only exists once a test has started its broker can stand in {@code arquillian.xml}.
 */
public class PayaraMicroConfiguration implements ContainerConfiguration {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private String instance;
    private boolean shipped;
    private String systemProperties = "";
    private String environment = "";
    private String deployFirst = "";
    private String addLibs = "";
    private int port;
    private String preBootCommandFile = "";
    private String postDeployCommandFile = "";
    private String systemPropertiesFile = "";
    private int httpsPort;
    private String httpsTrustStore = "";
    private String httpsTrustStorePassword = "";

    @Override
    public void validate() throws ConfigurationException {
        if (instance == null || instance.isBlank()) {
            throw new ConfigurationException("a Payara Micro container needs an 'instance' name (its folder under target/it)");
        }
    }

    /** The instance's folder under {@code target/it}, and the name tests find it by. */
    public String getInstance() {
        return instance;
    }

    public void setInstance(String instance) {
        this.instance = instance;
    }

    /** Started as shipped: the boot command file, system.properties and {@code --nohazelcast} of server-config/. */
    public boolean isShipped() {
        return shipped;
    }

    public void setShipped(boolean shipped) {
        this.shipped = shipped;
    }

    /** The HTTP port; 0 (the default): a free one picked at each start. A restart test keeps one port. */
    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getSystemProperties() {
        return systemProperties;
    }

    public void setSystemProperties(String systemProperties) {
        this.systemProperties = systemProperties;
    }

    public String getEnvironment() {
        return environment;
    }

    public void setEnvironment(String environment) {
        this.environment = environment;
    }

    /** Archives (paths apart by white space) that Payara Micro deploys before the test's, such as a resource adapter. */
    public String getDeployFirst() {
        return deployFirst;
    }

    public void setDeployFirst(String deployFirst) {
        this.deployFirst = deployFirst;
    }

    /** Jars (paths apart by white space) Payara Micro puts on its own class path ({@code --addlibs}). */
    public String getAddLibs() {
        return addLibs;
    }

    public void setAddLibs(String addLibs) {
        this.addLibs = addLibs;
    }

    /** A pre-boot command file in place of the shipped one (with the two below; server-config/tls/ has such a set). */
    public String getPreBootCommandFile() {
        return preBootCommandFile;
    }

    public void setPreBootCommandFile(String preBootCommandFile) {
        this.preBootCommandFile = preBootCommandFile;
    }

    public String getPostDeployCommandFile() {
        return postDeployCommandFile;
    }

    public void setPostDeployCommandFile(String postDeployCommandFile) {
        this.postDeployCommandFile = postDeployCommandFile;
    }

    public String getSystemPropertiesFile() {
        return systemPropertiesFile;
    }

    public void setSystemPropertiesFile(String systemPropertiesFile) {
        this.systemPropertiesFile = systemPropertiesFile;
    }

    /** The HTTPS port the boot files open, where the API is served and probed; 0: none, the API is on HTTP. */
    public int getHttpsPort() {
        return httpsPort;
    }

    public void setHttpsPort(int httpsPort) {
        this.httpsPort = httpsPort;
    }

    /** A PKCS12 trust store holding the authority of the HTTPS listener's certificate, for the probes. */
    public String getHttpsTrustStore() {
        return httpsTrustStore;
    }

    public void setHttpsTrustStore(String httpsTrustStore) {
        this.httpsTrustStore = httpsTrustStore;
    }

    public String getHttpsTrustStorePassword() {
        return httpsTrustStorePassword;
    }

    public void setHttpsTrustStorePassword(String httpsTrustStorePassword) {
        this.httpsTrustStorePassword = httpsTrustStorePassword;
    }

    /** The boot files in place of the shipped ones, or null: the shipped ones (or none). */
    PayaraMicro.BootFiles bootFiles() throws IOException, GeneralSecurityException {
        if (preBootCommandFile.isBlank()) {
            return null;
        }
        PayaraMicro.Https https = null;
        if (httpsPort > 0) {
            https = new PayaraMicro.Https(httpsPort, TlsStores.trusting(Path.of(resolve(httpsTrustStore)), resolve(httpsTrustStorePassword)));
        }
        return new PayaraMicro.BootFiles(Path.of(resolve(preBootCommandFile)), Path.of(resolve(postDeployCommandFile)),
                Path.of(resolve(systemPropertiesFile)), https);
    }

    Map<String, String> systemPropertyMap() {
        return pairs(systemProperties);
    }

    Map<String, String> environmentMap() {
        return pairs(environment);
    }

    List<String> deployFirstList() {
        return words(deployFirst).map(PayaraMicroConfiguration::resolve).toList();
    }

    List<String> addLibsList() {
        return words(addLibs).map(PayaraMicroConfiguration::resolve).toList();
    }

    /** The text form of {@code systemProperties} and {@code environment}, for tests that start a container with their own. */
    static String lines(Map<String, String> pairs) {
        StringBuilder text = new StringBuilder();
        pairs.forEach((key, value) -> {
            if (value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a value with white space cannot be passed: " + key + "=" + value);
            }
            text.append(key).append('=').append(value).append('\n');
        });
        return text.toString();
    }

    private static Map<String, String> pairs(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        words(text).forEach(line -> {
            int equals = line.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("not key=value: " + line);
            }
            pairs.put(line.substring(0, equals).strip(), resolve(line.substring(equals + 1).strip()));
        });
        return pairs;
    }

    private static java.util.stream.Stream<String> words(String text) {
        return Arrays.stream(text.strip().split("\\s+")).filter(word -> !word.isEmpty());
    }

    private static String resolve(String value) {
        Matcher placeholder = PLACEHOLDER.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            String property = System.getProperty(placeholder.group(1));
            if (property == null) {
                throw new IllegalStateException("system property " + placeholder.group(1) + " is not set (used in '" + value + "')");
            }
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(property));
        }
        return placeholder.appendTail(resolved).toString();
    }
}
