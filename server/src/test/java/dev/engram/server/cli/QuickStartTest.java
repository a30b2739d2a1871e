package dev.engram.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.server.EngramServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Follows the README's quick start literally: runs {@code serve} as {@code ./engram serve} does
 * (in-process, the port moved to a free one), then every {@code curl} line of the quick start,
 * parsed from README.md and sent with HttpClient. The answers must be what the README says.
 */
class QuickStartTest {
    @Test
    void readmeQuickStartWorks(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int at = readme.indexOf("## Quick start");
        assertTrue(at >= 0, "README has no '## Quick start'");
        String section = readme.substring(at, readme.indexOf("\n## ", at + 5));
        assertTrue(section.contains("./engram serve"), section);
        List<List<String>> curls = curlCommands(section);
        assertTrue(curls.size() >= 2, "expected the ingest and search curl calls in:\n" + section);

        ServeCommand.handleSignals = false;
        PrintStream stdout = System.out;
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        System.setOut(new PrintStream(banner, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new EngramCli()).execute("serve", "--port", "0", "--data", dir.resolve("engram-data").toString());
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, code, banner.toString());
        EngramServer server = ServeCommand.STARTED.get();
        try (HttpClient client = HttpClient.newHttpClient()) {
            assertTrue(banner.toString().contains("Engram listening on http://127.0.0.1:" + server.port()), banner.toString());
            assertTrue(banner.toString().contains("curl"), banner.toString());
            List<String> answers = new ArrayList<>();
            for (List<String> curl : curls) {
                HttpResponse<String> r = client.send(request(curl, server.port()), HttpResponse.BodyHandlers.ofString());
                assertTrue(r.statusCode() / 100 == 2, curl + " → " + r.statusCode() + " " + r.body());
                answers.add(r.body());
            }
            assertTrue(answers.get(0).contains("\"ingestion_id\""), answers.get(0));
            assertTrue(answers.get(1).contains("Lisbon"), "the search should find the memory: " + answers.get(1));
        } finally {
            server.close();
        }
    }

    /** The curl commands of a Markdown section, line continuations joined, split into shell words. */
    static List<List<String>> curlCommands(String section) {
        List<List<String>> out = new ArrayList<>();
        String joined = section.replace("\\\n", " ");
        for (String line : joined.split("\n")) {
            if (line.strip().startsWith("curl ")) out.add(words(line.strip()));
        }
        return out;
    }

    /** Shell words with single and double quotes (enough for the README's curl lines). */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        char quote = 0;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else cur.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                if (cur == null) cur = new StringBuilder();
            } else if (Character.isWhitespace(c)) {
                if (cur != null) out.add(cur.toString());
                cur = null;
            } else {
                if (cur == null) cur = new StringBuilder();
                cur.append(c);
            }
        }
        if (cur != null) out.add(cur.toString());
        return out;
    }

    static HttpRequest request(List<String> curl, int port) {
        String method = "GET";
        String url = null;
        String data = null;
        HttpRequest.Builder b = HttpRequest.newBuilder();
        for (int i = 1; i < curl.size(); i++) {
            String w = curl.get(i);
            switch (w) {
                case "-s", "-S", "-sS" -> { }
                case "-X" -> method = curl.get(++i);
                case "-H" -> {
                    String[] h = curl.get(++i).split(":", 2);
                    b.header(h[0].strip(), h[1].strip());
                }
                case "-d", "--data" -> data = curl.get(++i);
                default -> {
                    if (w.startsWith("-")) throw new IllegalArgumentException("curl option not understood by this test: " + w);
                    url = w;
                }
            }
        }
        if (data != null && method.equals("GET")) method = "POST";
        url = url.replace("127.0.0.1:7070", "127.0.0.1:" + port);
        return b.uri(URI.create(url)).method(method, data == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(data)).build();
    }
}
