package dev.engram.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the tests: JSON in, status + JSON out. Thread-safe. */
final class Http implements AutoCloseable {
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final String base;
    String key;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    record Res(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        String errorCode() {
            return json().path("error").path("code").asText();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Http withKey(String k) {
        Http h = new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)));
        h.key = k;
        return h;
    }

    Res get(String path) {
        return send(builder(path).GET());
    }

    Res delete(String path) {
        return send(builder(path).DELETE());
    }

    Res post(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Res patch(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b;
    }

    Res send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
