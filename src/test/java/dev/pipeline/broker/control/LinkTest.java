package dev.pipeline.broker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LinkTest {

    private final List<FakeConnection> made = new ArrayList<>();
    private boolean failWhileBeingMade;

    private final Link link = new Link(() -> {
        FakeConnection connection = new FakeConnection(failWhileBeingMade);
        made.add(connection);
        return connection.proxy;
    }, 0);

    @Test
    void connectionIsMadeOnceAndShared() throws Exception {
        Connection first = link.connection();

        assertSame(first, link.connection());
        assertEquals(1, made.size());
        assertTrue(link.isCurrent(first));
    }

    @Test
    void connectionThatFailsWhileBeingMadeIsNeverInstalled() throws Exception {
        failWhileBeingMade = true;

        assertThrows(JMSException.class, link::connection);
        assertTrue(made.get(0).closed.get(), "the dead connection is closed");
        assertFalse(link.isCurrent(made.get(0).proxy));

        failWhileBeingMade = false;
        Connection next = link.connection();
        assertSame(made.get(1).proxy, next);
    }

    @Test
    void failedConnectionIsDiscardedAndTheNextCallerConnectsAnew() throws Exception {
        Connection first = link.connection();

        made.get(0).listener.onException(new JMSException("connection lost"));

        assertFalse(link.isCurrent(first));
        assertTrue(made.get(0).closed.get());
        Connection second = link.connection();
        assertTrue(link.isCurrent(second));
        assertEquals(2, made.size());
    }

    @Test
    void discardingAConnectionThatIsNotCurrentLeavesTheCurrentOne() throws Exception {
        Connection current = link.connection();
        FakeConnection stale = new FakeConnection(false);

        link.discard(stale.proxy, "stale");

        assertTrue(link.isCurrent(current));
    }

    /** A JMS connection whose exception listener the test can call, or that fails as soon as one is set. */
    private static final class FakeConnection {
        final AtomicBoolean closed = new AtomicBoolean();
        ExceptionListener listener;
        final Connection proxy;

        FakeConnection(boolean failsAtOnce) {
            proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (self, method, args) -> switch (method.getName()) {
                        case "setExceptionListener" -> {
                            listener = (ExceptionListener) args[0];
                            if (failsAtOnce) {
                                listener.onException(new JMSException("failed while connecting"));
                            }
                            yield null;
                        }
                        case "close" -> {
                            closed.set(true);
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == args[0];
                        case "toString" -> "FakeConnection";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }
}
