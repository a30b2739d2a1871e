package dev.engram.server.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by the commands that talk to a running server, and the one call they make. */
final class ClientOptions {
    @Option(names = "--url", defaultValue = "${env:ENGRAM_URL:-http://127.0.0.1:7070}", description = "server URL (env ENGRAM_URL, default ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--api-key", defaultValue = "${env:ENGRAM_API_KEY}", description = "API key (env ENGRAM_API_KEY); not needed for a server without keys")
    String apiKey;

    @Option(names = "--user", required = true, description = "user id")
    String user;

    /** POSTs JSON to {@code /v1/users/<user>/<path>}; prints the answer; exit 0 on 2xx, 1 otherwise. */
    int post(String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url.resolve("/v1/users/" + user + "/" + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (apiKey != null && !apiKey.isBlank()) b.header("Authorization", "Bearer " + apiKey);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            (r.statusCode() / 100 == 2 ? System.out : System.err).println(r.body());
            return r.statusCode() / 100 == 2 ? 0 : 1;
        } catch (java.net.ConnectException e) {
            System.err.println("engram: cannot connect to " + url + " (is `./engram serve` running?)");
            return 1;
        }
    }
}
