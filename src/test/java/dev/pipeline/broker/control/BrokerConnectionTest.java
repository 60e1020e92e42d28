package dev.pipeline.broker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BrokerConnectionTest {

    @Test
    void clientDefaultsAreAddedToAUrlWithoutParameters() {
        assertEquals("tcp://broker:61616?callTimeout=2000&callFailoverTimeout=2000&connectionTTL=10000"
                        + "&clientFailureCheckPeriod=3000",
                BrokerConnection.withClientDefaults("tcp://broker:61616"));
    }

    @Test
    void aSettingTheUrlNamesKeepsItsValue() {
        assertEquals("tcp://broker:61616?callTimeout=500&callFailoverTimeout=2000&connectionTTL=10000"
                        + "&clientFailureCheckPeriod=3000",
                BrokerConnection.withClientDefaults("tcp://broker:61616?callTimeout=500"));
    }

    @Test
    void aTlsLinkVerifiesTheBrokersHostNameAndTakesOnlyTheUrlsTrustStore() {
        assertEquals("tcp://broker:61617?sslEnabled=true&trustStorePath=/etc/pipeline/truststore.p12&callTimeout=2000"
                        + "&callFailoverTimeout=2000&connectionTTL=10000&clientFailureCheckPeriod=3000&verifyHost=true&forceSSLParameters=true",
                BrokerConnection.withClientDefaults("tcp://broker:61617?sslEnabled=true&trustStorePath=/etc/pipeline/truststore.p12"));
    }

    @Test
    void aTlsUrlThatNamesVerifyHostKeepsItsValue() {
        assertTrue(BrokerConnection.withClientDefaults("(tcp://a:61617,tcp://b:61617)?ha=true&sslEnabled=true&verifyHost=false")
                .matches("[^ ]*verifyHost=false[^ ]*&forceSSLParameters=true"));
        assertEquals(1, BrokerConnection.withClientDefaults("tcp://a:61617?sslEnabled=true&verifyHost=false").split("verifyHost").length - 1);
    }

    @Test
    void aPlainLinkGetsNoTlsSettings() {
        assertFalse(BrokerConnection.withClientDefaults("tcp://broker:61616?sslEnabled=false").contains("verifyHost"));
    }

    @Test
    void theEmbeddedBrokerWarningNamesTheKeyAndWhereTheMessagesGo() {
        String warning = BrokerConnection.embeddedBrokerWarning("/var/lib/pipeline/broker", "tcp://localhost:61616");

        assertTrue(warning.startsWith("pipeline.broker.url is not set: messages are stored by an embedded Artemis broker"), warning);
        assertTrue(warning.contains("/var/lib/pipeline/broker") && warning.contains("tcp://localhost:61616"), warning);
    }
}
