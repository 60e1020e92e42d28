package dev.pipeline.broker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
