package dev.pipeline.broker.control;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * One connection to the broker, made when first needed and discarded when it fails. One caller at a
 * time connects, and after a failed attempt the next waits {@code reconnectPauseNanos}; meanwhile
 * callers fail at once, so that an unreachable broker costs a request no more than one connect
 * timeout. A connection that fails while it is being made is never installed.
 */
final class Link {

    /** Makes a connection: the factory's {@code createConnection}. */
    interface Connector {
        Connection connect() throws JMSException;
    }

    private static final Logger LOG = Logger.getLogger(Link.class.getName());

    private final Connector connector;
    private final long reconnectPauseNanos;
    private final ReentrantLock connecting = new ReentrantLock();
    /** Written only while holding this object's monitor, so that installing and discarding cannot cross. */
    private volatile Connection connection;
    /** The connection being made, and whether it failed before it could be installed. */
    private Connection pending;
    private boolean pendingFailed;
    private volatile long lastFailedAttempt;

    Link(Connector connector, long reconnectPauseNanos) {
        this.connector = connector;
        this.reconnectPauseNanos = reconnectPauseNanos;
        this.lastFailedAttempt = System.nanoTime() - reconnectPauseNanos;
    }

    Connection connection() throws JMSException {
        Connection current = connection;
        if (current != null) {
            return current;
        }
        if (System.nanoTime() - lastFailedAttempt < reconnectPauseNanos || !connecting.tryLock()) {
            throw new JMSException("not connected to the broker; reconnecting");
        }
        try {
            if (connection != null) {
                return connection;
            }
            Connection created = connector.connect();
            synchronized (this) {
                pending = created;
                pendingFailed = false;
            }
            created.setExceptionListener(failure -> discard(created, failure.getMessage()));
            synchronized (this) {
                pending = null;
                if (!pendingFailed) {
                    connection = created;
                }
            }
            if (connection != created) {
                closeQuietly(created);
                throw new JMSException("the broker connection failed while it was being made");
            }
            LOG.info("Connected to the broker");
            return created;
        } catch (JMSException e) {
            lastFailedAttempt = System.nanoTime();
            throw e;
        } finally {
            connecting.unlock();
        }
    }

    boolean isCurrent(Connection candidate) {
        return candidate != null && candidate == connection;
    }

    void discard(Connection broken, String reason) {
        synchronized (this) {
            if (broken == pending) {
                pendingFailed = true;
                return;
            }
            if (broken != connection) {
                return;
            }
            connection = null;
        }
        LOG.warning("Broker connection dropped: " + reason);
        closeQuietly(broken);
    }

    void close() {
        Connection current;
        synchronized (this) {
            current = connection;
            connection = null;
        }
        if (current != null) {
            closeQuietly(current);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.fine(() -> "Closing a broken connection failed: " + e);
        }
    }
}
