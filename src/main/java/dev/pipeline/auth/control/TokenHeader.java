package dev.pipeline.auth.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Where a request carries its token, as MicroProfile JWT's {@code mp.jwt.token.header} and
 * {@code mp.jwt.token.cookie} say and as Payara's mechanism reads them: {@code Authorization}
 * (the default) with the {@code Bearer } prefix, or {@code Cookie} with the cookie so named
 * (default {@code Bearer}) in a header that starts with {@code $Version=}. Any other header name is
 * a configuration error that Payara refuses to deploy; here it refuses every token instead.
 */
@ApplicationScoped
public class TokenHeader {

    static final String HEADER_KEY = "mp.jwt.token.header";
    static final String COOKIE_KEY = "mp.jwt.token.cookie";
    static final String AUTHORIZATION = "Authorization";
    static final String COOKIE = "Cookie";
    private static final String BEARER = "Bearer ";
    private static final Logger LOG = Logger.getLogger(TokenHeader.class.getName());

    private String header = AUTHORIZATION;
    private String cookieMark;
    private boolean misconfigured;

    public TokenHeader() {
    }

    TokenHeader(String header, String cookie) {
        configure(header, cookie);
    }

    @PostConstruct
    void readConfiguration() {
        var config = ConfigProvider.getConfig();
        configure(config.getOptionalValue(HEADER_KEY, String.class).orElse(AUTHORIZATION),
                config.getOptionalValue(COOKIE_KEY, String.class).orElse("Bearer"));
    }

    private void configure(String header, String cookie) {
        this.header = header;
        this.cookieMark = ";" + cookie + "=";
        misconfigured = !AUTHORIZATION.equals(header) && !COOKIE.equals(header);
        if (misconfigured) {
            LOG.severe(() -> HEADER_KEY + " must be " + AUTHORIZATION + " or " + COOKIE + ", but is " + header
                    + ": every bearer token is refused");
        }
    }

    /**
     * The token of a request with these headers; null if it carries none. A request whose token
     * cannot be read because the configuration is wrong gets an empty string, which verifies never.
     */
    public String token(String authorization, String cookie) {
        String token = null;
        if (AUTHORIZATION.equals(header)) {
            if (authorization != null && authorization.startsWith(BEARER)) {
                token = authorization.substring(BEARER.length());
            }
        } else if (COOKIE.equals(header)) {
            if (cookie != null && cookie.startsWith("$Version=") && cookie.contains(cookieMark)) {
                token = cookie.substring(cookie.indexOf(cookieMark) + cookieMark.length());
            }
        } else if (authorization != null || cookie != null) {
            return "";
        }
        return token == null || token.isEmpty() ? null : token;
    }
}
