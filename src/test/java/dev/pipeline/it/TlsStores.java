package dev.pipeline.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The key and trust stores of the production TLS shape, made for a test by
 * {@code server-config/tls/make-stores.sh}: a private authority, the broker's and the gateway's key
 * stores, and the trust store holding the authority's certificate.
 */
final class TlsStores {

    /** The password of every store; a test's own. */
    static final String PASSWORD = "tls-test-store-secret";

    private final Path dir;

    private TlsStores(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes the stores in {@code dir} for a broker and a gateway reached by these names (apart by
     * commas), running {@code makeStores}, a shell command reading {@code TLS_DIR},
     * {@code BROKER_HOSTS}, {@code GATEWAY_HOSTS} and {@code STORE_PASSWORD}.
     */
    static TlsStores make(String makeStores, Path dir, String brokerHosts, String gatewayHosts) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = dir.resolve("make-stores.log");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", makeStores).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(java.util.Map.of("TLS_DIR", dir.toString(), "BROKER_HOSTS", brokerHosts,
                "GATEWAY_HOSTS", gatewayHosts, "STORE_PASSWORD", PASSWORD, "JAVA_HOME", System.getProperty("java.home")));
        Process make = builder.start();
        if (!make.waitFor(2, TimeUnit.MINUTES) || make.exitValue() != 0) {
            throw new IllegalStateException("make-stores.sh failed: " + Files.readString(log));
        }
        return new TlsStores(dir);
    }

    Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    Path brokerKeyStore() {
        return dir.resolve("broker-keystore.p12");
    }

    Path gatewayKeyStore() {
        return dir.resolve("gateway-keystore.p12");
    }

    /** The authority's certificate, PEM. */
    Path authorityCertificate() {
        return dir.resolve("ca.pem");
    }

    /** A TLS context serving the key of one of these key stores, with its chain up to the authority. */
    SSLContext serving(Path keyStore) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    /** The broker URL of server-config/tls/README.md, "TLS to the broker": TLS, this trust store, the host name the certificate must name. */
    String brokerUrl(String host, int port) {
        return "tcp://" + host + ":" + port + "?sslEnabled=true&trustStorePath=" + trustStore()
                + "&trustStorePassword=" + PASSWORD + "&trustStoreType=PKCS12";
    }

    /** A TLS context that trusts what the authority signed, and nothing else. */
    SSLContext clientContext() throws IOException, GeneralSecurityException {
        return trusting(trustStore(), PASSWORD);
    }

    /** A TLS context that trusts the certificates of this PKCS12 trust store, and nothing else. */
    static SSLContext trusting(Path trustStore, String password) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trusted.load(in, password.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
