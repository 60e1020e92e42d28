package dev.pipeline.lifecycle.boundary;

import dev.pipeline.lifecycle.control.ServiceLifecycle;
import dev.pipeline.problem.ProblemMapper;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * In front of every produce request: while the service stops, new requests are answered 503 with
 * {@code Retry-After} and the problem body (and the connection closed, so that the client's retry
 * finds another instance), and the requests taken before are counted until answered, asynchronous
 * ones included, so that the stop can wait for them.
 */
@WebFilter(urlPatterns = "/topics/*", asyncSupported = true)
public class StoppingFilter extends HttpFilter {

    static final int RETRY_AFTER_SECONDS = 2;

    @Inject
    ServiceLifecycle lifecycle;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!lifecycle.take()) {
            refuse(response);
            return;
        }
        Finish finish = new Finish(lifecycle);
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(finish);
            } else {
                finish.run();
            }
        }
    }

    private static void refuse(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        response.setHeader("Connection", "close");
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(ProblemMapper.body(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service Unavailable",
                "this instance is stopping; retry, another instance or this one once restarted will answer"));
    }

    /** Counts a request as answered exactly once, however its asynchronous processing ends. */
    private static final class Finish implements AsyncListener, Runnable {

        private final ServiceLifecycle lifecycle;
        private final AtomicBoolean done = new AtomicBoolean();

        Finish(ServiceLifecycle lifecycle) {
            this.lifecycle = lifecycle;
        }

        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                lifecycle.finished();
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            run();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            run();
        }

        @Override
        public void onError(AsyncEvent event) {
            run();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
