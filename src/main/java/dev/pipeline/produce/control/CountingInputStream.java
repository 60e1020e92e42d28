package dev.pipeline.produce.control;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * A stream that counts the bytes read (or skipped) from it: request bytes for the metrics, and the
 * decoded bytes a request holds, told to {@code onRead} as they are read so that it can refuse more.
 */
public final class CountingInputStream extends FilterInputStream {

    private final LongConsumer onRead;
    private long count;

    public CountingInputStream(InputStream in) {
        this(in, bytes -> { });
    }

    public CountingInputStream(InputStream in, LongConsumer onRead) {
        super(in);
        this.onRead = onRead;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
            onRead.accept(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        if (read > 0) {
            count += read;
            onRead.accept(read);
        }
        return read;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count += skipped;
        onRead.accept(skipped);
        return skipped;
    }

    public long count() {
        return count;
    }
}
