package dev.pipeline.auth.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TokenHeaderTest {

    private final TokenHeader authorization = new TokenHeader("Authorization", "Bearer");
    private final TokenHeader cookie = new TokenHeader("Cookie", "jwt");

    @Test
    void theTokenIsWhatFollowsBearerAndASpaceInTheAuthorizationHeader() {
        assertEquals("a.b.c", authorization.token("Bearer a.b.c", null));
    }

    @Test
    void anotherSchemeASchemeInOtherCaseOrAnEmptyTokenCarriesNoToken() {
        assertNull(authorization.token("Basic dXNlcjpwdw==", null));
        assertNull(authorization.token("bearer a.b.c", null));
        assertNull(authorization.token("Bearer ", null));
        assertNull(authorization.token("Bearer", null));
        assertNull(authorization.token(null, "$Version=1;Bearer=a.b.c"));
    }

    @Test
    void withTheCookieHeaderConfiguredTheTokenIsTheNamedCookieOfAVersionedCookieHeader() {
        assertEquals("a.b.c", cookie.token("Bearer x.y.z", "$Version=1;jwt=a.b.c"));
        assertNull(cookie.token("Bearer a.b.c", null));
        assertNull(cookie.token(null, "jwt=a.b.c"));
        assertNull(cookie.token(null, "$Version=1;other=a.b.c"));
    }

    @Test
    void aHeaderNameMicroProfileJwtDoesNotKnowTurnsEveryPresentedTokenIntoOneThatNeverVerifies() {
        TokenHeader wrong = new TokenHeader("X-Token", "Bearer");
        assertEquals("", wrong.token("Bearer a.b.c", null));
        assertNull(wrong.token(null, null));
    }
}
