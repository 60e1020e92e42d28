package dev.pipeline.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One producer's HTTP/1.1 connection to the gateway's produce endpoint, on a plain socket, so that
 * every way a request can end is told apart: an answer (with its {@code Retry-After}), no answer
 * within the client's timeout, {@code 100 Continue} and then nothing, or a connection closed
 * without an answer. The JDK's HttpClient folds the last three into exceptions and never shows an
 * interim 100. With {@code Expect: 100-continue} (curl sends it for bodies over 1 MB) the body
 * follows the 100, or, as curl does, an unanswered second; a final answer instead of the 100 ends
 * the request without the body. The connection is kept for the next request when the server allows.
 */
final class ProduceConnection implements AutoCloseable {

    /** How a request ended. */
    enum Ending {
        ANSWERED, TIMED_OUT, CONTINUE_THEN_NOTHING, DROPPED
    }

    /** What one request got; {@code status} and {@code retryAfter} only when answered. */
    record Answer(Ending ending, int status, String retryAfter, String body, Duration took, String detail) {

        boolean stored() {
            return ending == Ending.ANSWERED && status == 200;
        }

        boolean refusedWithRetryAfter() {
            return ending == Ending.ANSWERED && status == 503 && retryAfter != null;
        }

        /** A short name of the outcome for tallies: "200", "503", "503 without Retry-After", "500", "TIMED_OUT". */
        String kind() {
            if (ending != Ending.ANSWERED) {
                return ending.name();
            }
            return status == 503 && retryAfter == null ? "503 without Retry-After" : Integer.toString(status);
        }

        @Override
        public String toString() {
            String answer = ending == Ending.ANSWERED
                    ? status + (retryAfter == null ? "" : " Retry-After: " + retryAfter) + (status == 200 ? "" : " " + abbreviate(body))
                    : ending + (detail == null ? "" : " (" + detail + ")");
            return answer + " after " + took.toMillis() + " ms";
        }
    }

    /** How long a request offered with Expect: 100-continue waits for the 100 before sending the body anyway (curl's default). */
    private static final Duration CONTINUE_WAIT = Duration.ofSeconds(1);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "produce-connection-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final int port;
    private final String token;
    private final Duration timeout;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** A connection to the gateway on localhost:{@code port}; each request is given up after {@code timeout}. */
    ProduceConnection(int port, String token, Duration timeout) {
        this.port = port;
        this.token = token;
        this.timeout = timeout;
    }

    /** POSTs the JSON {@code body} to the topic and tells how the request ended; never throws for the server's doing. */
    Answer post(String topic, byte[] body, boolean expectContinue) {
        long started = System.nanoTime();
        AtomicBoolean timedOut = new AtomicBoolean();
        boolean continued = false;
        ScheduledFuture<?> watchdog = null;
        try {
            if (socket == null) {
                open();
            }
            Socket current = socket;
            // Reads have a socket timeout, writes none: at the deadline the socket is closed, which ends either.
            watchdog = WATCHDOG.schedule(() -> {
                timedOut.set(true);
                closeQuietly(current);
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            out.write(head(topic, body.length, expectContinue));
            out.flush();
            Head head = null;
            if (expectContinue) {
                head = readHeadWithin(CONTINUE_WAIT);
                if (head != null && head.status == 100) {
                    continued = true;
                    head = null;
                } else if (head != null) {
                    // A final answer instead of the 100: the body is not sent, so the connection cannot be reused.
                    Answer answer = answered(head, readBody(head), started);
                    close();
                    return answer;
                }
            }
            try {
                out.write(body);
                out.flush();
            } catch (IOException e) {
                if (timedOut.get()) {
                    throw e;
                }
                // The server may have answered and closed before reading the whole body.
                Head early = readHeadWithin(CONTINUE_WAIT);
                if (early == null) {
                    throw new IOException("connection closed while the body was sent: " + e, e);
                }
                Answer answer = answered(early, readBody(early), started);
                close();
                return answer;
            }
            do {
                socket.setSoTimeout(0);
                head = readHead();
                continued |= head.status == 100;
            } while (head.status >= 100 && head.status < 200);
            Answer answer = answered(head, readBody(head), started);
            if ("close".equalsIgnoreCase(head.headers.getOrDefault("connection", ""))) {
                close();
            }
            return answer;
        } catch (IOException e) {
            close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (timedOut.get()) {
                return new Answer(continued ? Ending.CONTINUE_THEN_NOTHING : Ending.TIMED_OUT, 0, null, null, took,
                        "no answer within " + timeout.toSeconds() + " s" + (continued ? " after 100 Continue" : ""));
            }
            return new Answer(Ending.DROPPED, 0, null, null, took, (continued ? "after 100 Continue: " : "") + e.getMessage());
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("localhost", port), 5_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 16_384);
        out = socket.getOutputStream();
    }

    private byte[] head(String topic, int length, boolean expectContinue) {
        return ("POST /pipeline/topics/" + topic + "/messages HTTP/1.1\r\n"
                + "Host: localhost:" + port + "\r\n"
                + "Authorization: Bearer " + token + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + length + "\r\n"
                + (expectContinue ? "Expect: 100-continue\r\n" : "")
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private record Head(int status, Map<String, String> headers) {
    }

    /** A response head if one starts within {@code wait}, else null (nothing read). */
    private Head readHeadWithin(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        in.mark(1);
        try {
            if (in.read() < 0) {
                throw new IOException("connection closed before an answer");
            }
        } catch (SocketTimeoutException nothingYet) {
            return null;
        }
        in.reset();
        socket.setSoTimeout(0);
        return readHead();
    }

    private Head readHead() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + abbreviate(statusLine));
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return new Head(Integer.parseInt(parts[1]), headers);
    }

    private String readBody(Head head) throws IOException {
        if (head.status == 204 || head.status == 304 || head.status < 200) {
            return "";
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = head.headers.get("content-length");
        if ("chunked".equalsIgnoreCase(head.headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(readLine().split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                readLine();
            }
            while (!readLine().isEmpty()) {
                // trailers
            }
        } else if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else {
            body.write(in.readAllBytes());
            close();
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new IOException("connection closed inside a line: " + abbreviate(line.toString(StandardCharsets.ISO_8859_1)));
    }

    private static Answer answered(Head head, String body, long started) {
        return new Answer(Ending.ANSWERED, head.status, head.headers.get("retry-after"), body,
                Duration.ofNanos(System.nanoTime() - started), null);
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted.
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            closeQuietly(socket);
            socket = null;
        }
    }
}
