package dev.pipeline.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The WARNING (and SEVERE) records one class logs during each test, for tests that assert what an
 * operator's log would show: {@code @RegisterExtension final CapturedWarnings warnings = new CapturedWarnings(X.class);}.
 */
public final class CapturedWarnings extends Handler implements BeforeEachCallback, AfterEachCallback {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    public CapturedWarnings(Class<?> source) {
        this.logger = Logger.getLogger(source.getName());
    }

    /** What was logged at WARNING or above so far in this test. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    public int size() {
        return records.size();
    }

    public String message(int index) {
        return records.get(index).getMessage();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        records.clear();
        logger.addHandler(this);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logger.removeHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return records.stream().map(LogRecord::getMessage).toList().toString();
    }
}
