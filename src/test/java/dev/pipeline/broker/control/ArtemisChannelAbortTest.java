package dev.pipeline.broker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.publish.control.SendFailure;
import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.entity.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction larger than a BLOCK address can take, aborted while it waits for producer credits,
 * on a real broker: it is rolled back and leaves nothing counted towards the address. Artemis rolls a
 * session's transaction back when it closes and opens a new one, into which it still routes a send
 * that arrives after the close: closing the session from another thread let the send that was
 * waiting go out after the close, and its message stayed counted until the broker restarted (the
 * address stayed full, issue 16).
 */
class ArtemisChannelAbortTest {

    private static final Topic JAM = new Topic("jam", Duration.ofHours(1), Set.of("writer"));
    /** Issue 16's jammed address. */
    private static final long MAX_SIZE_BYTES = 256 * 1024;
    /** Ordinary messages (under Artemis's 100 KiB for large ones): the fourth fills the address, the fifth waits. */
    private static final String TEXT = "s".repeat(42_000);
    private static final int ROUNDS = 5;

    @TempDir
    Path data;

    private ActiveMQServer server;
    private BrokerConnection connection;

    @BeforeEach
    void startBroker() throws Exception {
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setSecurityEnabled(false);
        configuration.setJournalDirectory(data.resolve("journal").toString());
        configuration.setBindingsDirectory(data.resolve("bindings").toString());
        configuration.setLargeMessagesDirectory(data.resolve("large").toString());
        configuration.setPagingDirectory(data.resolve("paging").toString());
        int port = freePort();
        configuration.addAcceptorConfiguration("tcp", "tcp://localhost:" + port);
        AddressSettings jam = new AddressSettings();
        jam.setMaxSizeBytes(MAX_SIZE_BYTES);
        jam.setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK);
        configuration.addAddressSetting(JAM.name(), jam);
        server = ActiveMQServers.newActiveMQServer(configuration);
        server.start();
        server.createQueue(QueueConfiguration.of("jam-subscription").setAddress(JAM.name())
                .setRoutingType(RoutingType.MULTICAST).setDurable(true));

        connection = new BrokerConnection();
        connection.brokerUrl = Optional.of("tcp://localhost:" + port);
        connection.user = Optional.empty();
        connection.password = Optional.empty();
        connection.start();
    }

    @AfterEach
    void stopBroker() throws Exception {
        try {
            connection.stop();
        } finally {
            server.stop();
        }
    }

    @Test
    void aTransactionAbortedWhileItWaitsForCreditsLeavesNothingCountedOnTheAddress() throws Exception {
        PagingStore address = server.getPagingManager().getPageStore(SimpleString.of(JAM.name()));
        for (int round = 0; round < ROUNDS; round++) {
            ArtemisChannel channel = ArtemisChannel.open(connection, new Subscriptions());
            List<Outgoing> tooMany = IntStream.range(0, 48)
                    .mapToObj(i -> Outgoing.text(UUID.randomUUID().toString(), TEXT, Map.of())).toList();
            // As a Sender does: the send on one thread, the abort from another, then the sender closes its channel.
            CompletableFuture<Void> send = CompletableFuture.runAsync(() -> {
                try {
                    channel.store(JAM, tooMany);
                } catch (SendFailure failure) {
                    throw new IllegalStateException(failure);
                } finally {
                    channel.close();
                }
            });
            await(() -> channel.waitingForCredits() && address.getAddressSize() > MAX_SIZE_BYTES,
                    "the transaction waits for credits, the address full of what it sent");

            channel.abort();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> send.get(10, TimeUnit.SECONDS),
                    "the aborted transaction fails");
            assertTrue(failed.getCause().getCause() instanceof SendFailure, "with a SendFailure: " + failed.getCause());
            await(() -> address.getAddressSize() == 0, "the address counts nothing once the aborted transaction is over"
                    + " (round " + round + ", " + address.getAddressSize() + " B counted)");
        }
        assertEquals(0, server.locateQueue("jam-subscription").getMessageCount(), "nothing of the aborted transactions was stored");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
