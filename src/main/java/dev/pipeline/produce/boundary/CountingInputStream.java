package dev.pipeline.produce.boundary;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The request body, counting the bytes read from the wire for the metrics. */
final class CountingInputStream extends FilterInputStream {

    private long count;

    CountingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        if (read > 0) {
            count += read;
        }
        return read;
    }

    long count() {
        return count;
    }
}
