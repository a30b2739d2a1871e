package dev.engram.server;

import static dev.engram.server.ServerApiTest.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.Engram;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** API keys, app scoping and isolation: app A never sees app B's user of the same name. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {
    static final String KEY_A = "key-for-app-a-0123456789";
    static final String KEY_B = "key-for-app-b-0123456789";
    static final String ADMIN = "admin-key-0123456789abcd";
    EngramServer server;
    Http anon;
    Http a;
    Http b;
    Http admin;

    @BeforeAll
    void start(@TempDir Path dir) {
        Engram engram = Fixture.engram(dir);
        ApiKeys keys = ApiKeys.parse("# test keys\n" + KEY_A + " app-a\n" + KEY_B + " app-b\n" + ADMIN + " ops admin\n", "test");
        server = EngramServer.start(engram, true, ServerConfig.loopback().withKeys(keys));
        anon = new Http(server.port());
        a = anon.withKey(KEY_A);
        b = anon.withKey(KEY_B);
        admin = anon.withKey(ADMIN);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void missingOrUnknownKeyIs401() {
        Http.Res r = anon.get("/v1/users/sam/memories");
        expect(401, "unauthorized", r);
        assertEquals("Bearer", r.header("WWW-Authenticate"));
        expect(401, "unauthorized", anon.withKey("no-such-key-0123456789").get("/v1/users/sam/memories"));
        expect(401, "unauthorized", anon.send(anon.builder("/v1/users/sam/memories").header("Authorization", "Basic Zm9vOmJhcg==")));
        assertEquals(200, anon.get("/health").status(), "health needs no key");
        assertEquals(200, anon.get("/openapi.json").status(), "the document needs no key");
    }

    @Test
    void appsAreIsolated() {
        String created = a.post("/v1/users/sam/memories", "{\"content\":\"Sam of app A likes tea.\"}").json().get("id").asText();
        b.post("/v1/users/sam/memories", "{\"content\":\"Sam of app B likes coffee.\"}");
        assertEquals(1, a.get("/v1/users/sam/memories").json().get("memories").size());
        assertEquals("Sam of app B likes coffee.", b.get("/v1/users/sam/memories").json().get("memories").get(0).get("content").asText());
        expect(404, "not_found", b.get("/v1/users/sam/memories/" + created));
        expect(404, "not_found", b.delete("/v1/users/sam/memories/" + created));
        expect(404, "not_found", b.patch("/v1/users/sam/memories/" + created, "{\"content\":\"hijacked\"}"));
        Http.Res search = b.post("/v1/users/sam/memories/search", "{\"query\":\"what does Sam like to drink, tea?\"}");
        for (var m : search.json().get("memories")) assertTrue(m.get("content").asText().contains("app B"), search.body());
        assertEquals("", b.get("/v1/users/sam/export").body().lines().filter(l -> l.contains("app A")).findAny().orElse(""));
        // a user id cannot smuggle an app: '@' is outside the user id alphabet
        expect(400, "invalid_request", b.get("/v1/users/sam@app-a/memories"));
        expect(400, "invalid_request", b.get("/v1/users/sam%40app-a/memories"));
    }

    @Test
    void appHeaderAndAdminRoutes() {
        expect(403, "forbidden", a.send(a.builder("/v1/users/sam/memories").header("X-Engram-App", "app-b")));
        assertEquals(200, a.send(a.builder("/v1/users/sam/memories").header("X-Engram-App", "app-a")).status());
        expect(403, "forbidden", a.get("/metrics"));
        assertEquals(200, admin.get("/metrics").status());
        // an admin key may act in any app by naming it
        admin.send(admin.builder("/v1/users/zoe/memories").header("X-Engram-App", "app-a").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"content\":\"Zoe added by ops.\"}")));
        assertEquals(1, a.get("/v1/users/zoe/memories").json().get("memories").size());
        expect(400, "invalid_request", admin.send(admin.builder("/v1/users/zoe/memories").header("X-Engram-App", "Bad App!")));
    }

    @Test
    void noKeysMeansLoopbackOnly(@TempDir Path dir) {
        try (Engram e = Fixture.engram(dir)) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> EngramServer.start(e, false, new ServerConfig("0.0.0.0", 0, ApiKeys.none(), ServerConfig.DEFAULT_MAX_BODY)));
            assertTrue(x.getMessage().contains("without API keys"), x.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("short app", "x"));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(KEY_A + " Bad_App", "x"));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(KEY_A + " a\n" + KEY_A + " b", "x"));
        assertEquals(2, ApiKeys.parse(KEY_A + " a, " + KEY_B + " b admin", "env").lookup(KEY_B).map(c -> c.admin() ? 2 : 1).orElse(0));
    }
}
