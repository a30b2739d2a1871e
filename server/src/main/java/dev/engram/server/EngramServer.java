package dev.engram.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.ConsistencyTimeoutException;
import dev.engram.Engram;
import dev.engram.EngramClosedException;
import dev.engram.NotFoundException;
import dev.engram.OverloadedException;
import dev.engram.StorageFailedException;
import dev.engram.memory.EngramException;
import dev.engram.memory.ValidationException;
import dev.engram.server.mcp.EngramMcp;
import dev.engram.server.mcp.McpHttpTransport;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP server around one {@link Engram}: Helidon SE (a virtual thread per request) with a
 * single catch-all handler that dispatches through {@link Router}, so every answer — including
 * 404, 405, 413 and transport-level 400s — is JSON in the documented error shape. Serves the
 * REST API ({@link Api}) and MCP at {@code POST /mcp} ({@link EngramMcp}), both over one
 * {@link MemoryService} and behind the same API-key check.
 *
 * <p>Lifecycle: {@link #start} listens; {@link #close} stops accepting, waits for requests in
 * flight (bounded), then closes the engine if the server owns it. Thread-safe.
 */
public final class EngramServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EngramServer.class.getName());

    private final Engram engram;
    private final boolean ownsEngram;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Router router = new Router();
    private final byte[] openapi;
    private final EngramMcp.Http mcp;
    private volatile boolean ready = true;
    private WebServer web;

    private EngramServer(Engram engram, boolean ownsEngram, ServerConfig config) {
        config.check();
        this.engram = engram;
        this.ownsEngram = ownsEngram;
        this.config = config;
        this.metrics = new ServerMetrics(engram);
        this.openapi = resource("/openapi.json");
        router.add("GET", "/health", Router.Access.OPEN, this::health);
        router.add("GET", "/openapi.json", Router.Access.OPEN, c -> {
            c.status = 200;
            c.res.header(HeaderNames.CONTENT_TYPE, "application/json");
            c.res.send(openapi);
        });
        router.add("GET", "/metrics", Router.Access.ADMIN, c -> {
            c.status = 200;
            c.res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            c.res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
        });
        MemoryService service = new MemoryService(engram, metrics);
        new Api(service, metrics).register(router);
        this.mcp = EngramMcp.http(service, config.keys().isEmpty());
        router.add("POST", "/mcp", Router.Access.KEY, this::mcp);
    }

    /** MCP over Streamable HTTP (stateless): authenticated like any REST call, the caller's app passed on. */
    private void mcp(Call c) {
        byte[] body = c.body();
        McpHttpTransport.Reply reply = mcp.transport().post(c.app, name -> c.header(name).orElse(null), body);
        c.status = reply.status();
        c.res.status(reply.status());
        if (reply.body() == null) {
            c.res.send();
        } else {
            c.res.header(HeaderNames.CONTENT_TYPE, "application/json");
            c.res.send(reply.body());
        }
    }

    /**
     * Starts a server on {@code engram}.
     *
     * @param ownsEngram close the engine when the server closes
     * @throws IllegalArgumentException for an unsafe configuration (no keys on a public address)
     */
    public static EngramServer start(Engram engram, boolean ownsEngram, ServerConfig config) {
        EngramServer s = new EngramServer(engram, ownsEngram, config);
        s.web = WebServer.builder()
                .host(config.bind())
                .port(config.port())
                .shutdownHook(false)
                .maxPayloadSize(config.maxBodyBytes())
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .directHandlers(DirectHandlers.builder()
                        .addHandler(DirectHandler.EventType.BAD_REQUEST, s::direct)
                        .addHandler(DirectHandler.EventType.PAYLOAD_TOO_LARGE, s::direct)
                        .addHandler(DirectHandler.EventType.FORBIDDEN, s::direct)
                        .addHandler(DirectHandler.EventType.INTERNAL_ERROR, s::direct)
                        .addHandler(DirectHandler.EventType.OTHER, s::direct)
                        .build())
                .routing(r -> r.any(s::dispatch))
                .build()
                .start();
        return s;
    }

    /** The port listened on (the real one when the configuration asked for 0). */
    public int port() {
        return web.port();
    }

    /** The routes served, as {@code METHOD /template} (for the OpenAPI completeness test and docs). */
    public java.util.List<String> routes() {
        return router.routes().stream().map(r -> r.method() + " " + r.template()).toList();
    }

    Engram engram() {
        return engram;
    }

    /**
     * 200 while serving; 503 {@code status: "stopping"} while shutting down; 503 {@code status:
     * "failed"} with {@code error: {code: "storage_failed", message}} once the engine stopped writing
     * after an I/O failure (fail-stop: only a restart after fixing the disk recovers).
     */
    private void health(Call c) {
        boolean up = ready;
        java.util.Optional<String> failure = safeFailure();
        ObjectNode o = Json.object();
        if (up && failure.isPresent()) {
            o.put("status", "failed").put("live", true).put("ready", false);
            o.putObject("error").put("code", "storage_failed")
                    .put("message", Json.clean("writes stopped after an I/O failure (restart after fixing the disk): " + failure.get()));
            o.put("pending_ingestions", safePending());
            c.send(503, o);
            return;
        }
        o.put("status", up ? "ok" : "stopping").put("live", true).put("ready", up);
        o.put("pending_ingestions", up ? safePending() : 0);
        c.send(up ? 200 : 503, o);
    }

    private java.util.Optional<String> safeFailure() {
        try {
            return engram.storageFailure();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private int safePending() {
        try {
            return engram.pendingIngestions();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- dispatch

    private void dispatch(ServerRequest req, ServerResponse res) {
        int status = 500;
        try {
            String method = req.prologue().method().text();
            Router.Match match = router.match(method, req.path().rawPath());
            String app = authorize(req, match.route().access());
            Call call = new Call(req, res, match.params(), app, config.maxBodyBytes());
            if (!ready) throw new ApiException(503, "unavailable", "the server is shutting down");
            match.route().handler().handle(call);
            status = call.status;
        } catch (Throwable t) {
            ApiException e = translate(t);
            status = e.status();
            if (res.isSent()) {
                LOG.log(System.Logger.Level.WARNING, "failure after the response started: " + t, t);
            } else {
                for (Map.Entry<String, String> h : e.headers().entrySet()) res.header(h.getKey(), h.getValue());
                drain(req);
                res.status(status);
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(errorBody(e));
            }
            if (t instanceof Error err && !(t instanceof StackOverflowError)) throw err;
        } finally {
            metrics.response(status);
        }
    }

    /** The app a call acts in, or an ApiException (401/403). */
    private String authorize(ServerRequest req, Router.Access access) {
        if (access == Router.Access.OPEN) return null;
        if (config.keys().isEmpty()) return ApiKeys.DEFAULT_APP;
        Optional<String> auth = req.headers().first(HeaderNames.AUTHORIZATION);
        if (auth.isEmpty() || !auth.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("missing API key: send 'Authorization: Bearer <key>'");
        }
        ApiKeys.Caller caller = config.keys().lookup(auth.get().substring(7).strip())
                .orElseThrow(() -> unauthorized("unknown API key"));
        if (access == Router.Access.ADMIN && !caller.admin()) {
            throw new ApiException(403, "forbidden", "this route needs an admin key");
        }
        Optional<String> asked = req.headers().first(HeaderNames.create("X-Engram-App"));
        if (asked.isPresent() && !asked.get().equals(caller.app())) {
            if (!caller.admin()) throw new ApiException(403, "forbidden", "this key belongs to another app");
            if (!ApiKeys.validApp(asked.get())) throw ApiException.badRequest("X-Engram-App: must match " + ApiKeys.APP_PATTERN);
            return asked.get();
        }
        return caller.app();
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, Map.of("WWW-Authenticate", "Bearer"));
    }

    /** Maps any failure to the API's answer; only a bug in the server is a 500. */
    static ApiException translate(Throwable t) {
        return switch (t) {
            case ApiException e -> e;
            case ValidationException e -> ApiException.badRequest(Json.clean(e.getMessage()));
            case NotFoundException e -> ApiException.notFound(Json.clean(e.getMessage()));
            case OverloadedException e -> {
                long secs = Math.max(1, (e.retryAfter() == null ? Duration.ofSeconds(1) : e.retryAfter()).toSeconds()
                        + (e.retryAfter() != null && e.retryAfter().toMillisPart() > 0 ? 1 : 0));
                yield new ApiException(429, "overloaded", Json.clean(e.getMessage()), Map.of("Retry-After", Long.toString(secs)));
            }
            case ConsistencyTimeoutException e -> new ApiException(503, "consistency_timeout", Json.clean(e.getMessage()),
                    Map.of("Retry-After", "1"));
            case dev.engram.PurgeInProgressException e -> new ApiException(409, "purge_in_progress", Json.clean(e.getMessage()),
                    Map.of("Retry-After", "1"));
            case StorageFailedException e -> new ApiException(503, "storage_failed", Json.clean(e.getMessage()));
            case dev.engram.EncryptionKeyException e when e.reason() == dev.engram.EncryptionKeyException.Reason.KEY_DESTROYED ->
                    new ApiException(410, "key_destroyed", Json.clean(e.getMessage()));
            case EngramClosedException e -> new ApiException(503, "unavailable", "the engine is closed");
            case EngramException e -> new ApiException(503, "unavailable", Json.clean(e.getMessage()));
            case RequestException e when e.status().code() >= 400 && e.status().code() < 500 ->
                    new ApiException(e.status().code(), e.status().code() == 413 ? "payload_too_large" : "invalid_request",
                            e.status().code() == 413 ? "the body is too large" : "malformed request");
            case UncheckedIOException e -> ApiException.badRequest("cannot read the request: " + Json.clean(e.getMessage()));
            case StackOverflowError e -> ApiException.badRequest("the request is nested too deeply");
            default -> {
                LOG.log(System.Logger.Level.ERROR, "unexpected failure", t);
                yield new ApiException(500, "internal", "internal error (logged by the server)");
            }
        };
    }

    static byte[] errorBody(ApiException e) {
        ObjectNode o = Json.object();
        o.putObject("error").put("code", e.code()).put("message", e.getMessage());
        return Json.bytes(o);
    }

    /** Reads what is left of a rejected request's body (bounded) so the connection stays usable. */
    private void drain(ServerRequest req) {
        try (InputStream in = req.content().inputStream()) {
            byte[] buf = new byte[8192];
            long left = config.maxBodyBytes();
            int n;
            while (left > 0 && (n = in.read(buf)) > 0) left -= n;
        } catch (IOException | RuntimeException ignored) {
            // the connection is closed by the server if the body cannot be consumed
        }
    }

    /** JSON error answers for failures Helidon detects before routing (bad request line, body too large). */
    private DirectHandler.TransportResponse direct(DirectHandler.TransportRequest request, DirectHandler.EventType type,
            Status status, io.helidon.http.ServerResponseHeaders headers, String message) {
        int code = status.code();
        ApiException e = code == 413 ? Call.tooLarge(config.maxBodyBytes())
                : code >= 500 ? new ApiException(code, "internal", "internal error")
                : new ApiException(code, code == 403 ? "forbidden" : "invalid_request", "malformed request");
        metrics.response(code);
        return DirectHandler.TransportResponse.builder().status(status).headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json").entity(errorBody(e)).build();
    }

    private static byte[] resource(String name) {
        try (InputStream in = EngramServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the server jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops accepting, lets requests in flight finish (bounded), then closes the engine if owned. Idempotent. */
    @Override
    public synchronized void close() {
        if (!ready && web == null) return;
        ready = false;
        try {
            if (web != null) web.stop();
        } finally {
            web = null;
            try {
                mcp.close();
            } finally {
                if (ownsEngram) engram.close();
            }
        }
    }
}
