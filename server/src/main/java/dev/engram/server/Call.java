package dev.engram.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * One request being served: the matched path parameters, the caller's app, a bounded body reader
 * and the JSON answer. Confined to the request's (virtual) thread.
 */
final class Call {
    final ServerRequest req;
    final ServerResponse res;
    final Map<String, String> params;
    final String app;
    private final long maxBody;
    int status;

    Call(ServerRequest req, ServerResponse res, Map<String, String> params, String app, long maxBody) {
        this.req = req;
        this.res = res;
        this.params = params;
        this.app = app;
        this.maxBody = maxBody;
    }

    String param(String name) {
        return params.get(name);
    }

    Optional<String> query(String name) {
        return req.query().contains(name) ? Optional.of(req.query().get(name)) : Optional.empty();
    }

    Optional<String> header(String name) {
        return req.headers().first(HeaderNames.create(name));
    }

    /** The body as a JSON object; demands a JSON content type and at most the configured bytes. */
    Body json() {
        String type = header("Content-Type").orElse("");
        String base = type.split(";", 2)[0].strip().toLowerCase();
        if (!base.equals("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
        }
        String lower = type.toLowerCase();
        int cs = lower.indexOf("charset=");
        if (cs >= 0) {
            String charset = lower.substring(cs + 8).split(";", 2)[0].strip().replace("\"", "");
            if (!charset.equals("utf-8")) throw new ApiException(415, "unsupported_media_type", "only UTF-8 JSON is accepted");
        }
        return Json.parseObject(body());
    }

    byte[] body() {
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
            if (bytes.length > maxBody) throw tooLarge(maxBody);
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the body: " + Json.clean(e.getMessage()));
        }
    }

    static ApiException tooLarge(long max) {
        return new ApiException(413, "payload_too_large", "the body is larger than " + max + " bytes");
    }

    void send(int status, JsonNode node) {
        this.status = status;
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(node));
    }

    void noContent() {
        this.status = 204;
        res.status(204);
        res.send();
    }
}
