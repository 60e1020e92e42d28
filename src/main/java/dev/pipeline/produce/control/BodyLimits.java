package dev.pipeline.produce.control;

import dev.pipeline.problem.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The contract's size limits, applied to the decoded body while it is read: reading stops one
 * byte past the limit that applies, so an oversized, chunked or inflating body is never buffered
 * beyond it.
 */
public final class BodyLimits {

    public static final int MESSAGE_BYTES = 1_048_576;
    public static final int BATCH_BYTES = 2_097_152;

    private BodyLimits() {
    }

    public static byte[] readSingle(InputStream body) throws IOException {
        byte[] read = body.readNBytes(MESSAGE_BYTES + 1);
        if (read.length > MESSAGE_BYTES) {
            throw singleTooLarge();
        }
        return read;
    }

    public static byte[] readBatch(InputStream body) throws IOException {
        return readBatch(new byte[0], body);
    }

    /** Continues a batch whose first bytes were already read. */
    public static byte[] readBatch(byte[] start, InputStream body) throws IOException {
        byte[] rest = body.readNBytes(BATCH_BYTES + 1 - start.length);
        if (start.length + rest.length > BATCH_BYTES) {
            throw new InvalidRequestException("batch body exceeds the limit of " + BATCH_BYTES + " bytes");
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream(start.length + rest.length);
        whole.writeBytes(start);
        whole.writeBytes(rest);
        return whole.toByteArray();
    }

    public static void checkMember(int index, long size) {
        if (size > MESSAGE_BYTES) {
            throw new InvalidRequestException("batch message [" + index + "] is " + size
                    + " bytes, over the limit of " + MESSAGE_BYTES + " bytes per message");
        }
    }

    public static InvalidRequestException singleTooLarge() {
        return new InvalidRequestException("message body exceeds the limit of " + MESSAGE_BYTES + " bytes");
    }
}
