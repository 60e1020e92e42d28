package dev.pipeline.produce.boundary;

import dev.pipeline.produce.control.RequestBodyReader;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;

/**
 * The original API page names the media type {@code x-protobuf}, which has no type/subtype and is
 * refused by JAX-RS before any resource runs. Producers written against that page send it, so it
 * is read as what it means, {@code application/x-protobuf}, parameters kept.
 */
@WebFilter(urlPatterns = "/topics/*", asyncSupported = true)
public class BareProtobufMediaTypeFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String contentType = request.getContentType();
        if (contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith(RequestBodyReader.BARE_PROTOBUF)) {
            chain.doFilter(new WithContentType(request, "application/" + contentType.trim()), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static final class WithContentType extends HttpServletRequestWrapper {

        private final String contentType;

        WithContentType(HttpServletRequest request, String contentType) {
            super(request);
            this.contentType = contentType;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getHeader(String name) {
            return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? contentType : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)
                    ? Collections.enumeration(Collections.singletonList(contentType)) : super.getHeaders(name);
        }
    }
}
