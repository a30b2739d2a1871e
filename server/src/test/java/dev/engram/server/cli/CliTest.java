package dev.engram.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.engram.Engram;
import dev.engram.server.EngramServer;
import dev.engram.server.ServerConfig;
import dev.engram.wal.Durability;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every CLI command in-process (picocli, stdout/stderr captured), against a data directory and
 * against a real server on a random loopback port: the happy path, then bad input with its
 * message and exit code (0 ok, 1 failed, 2 usage).
 */
class CliTest {
    static final JsonMapper JSON = new JsonMapper();

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static synchronized Run runIn(String stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
        try {
            int code = EngramCli.commandLine().execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    static Run run(String... args) {
        return runIn(null, args);
    }

    @Test
    void everyCommandOnADataDirectory(@TempDir Path dir) throws Exception {
        String data = dir.resolve("data").toString();
        Run r = run("ingest", "--data", data, "--user", "alice", "I moved to Lisbon last year and I am vegetarian.");
        assertEquals(0, r.code(), r.toString());
        assertEquals("applied", r.json().get("status").asText(), r.toString());
        r = run("search", "--data", data, "--user", "alice", "where", "do", "I", "live?");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.json().get("memories").toString().contains("Lisbon"), r.toString());

        Path export = dir.resolve("alice.ndjson");
        r = run("export", "--data", data, "--user", "alice", "--out", export.toString());
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(export);
        assertFalse(lines.isEmpty());
        for (String l : lines) assertTrue(l.startsWith("{\"format\":\"engram.export/1\""), l);
        assertTrue(r.err().contains(lines.size() + " line(s)"), r.toString());
        r = run("export", "--data", data, "--user", "alice");
        assertEquals(String.join("\n", lines) + "\n", r.out(), "stdout export equals the file");

        r = run("import", "--data", data, "--user", "bob", export.toString(), "--progress", "--batch-lines", "1");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains(lines.size() + " memory version(s)"), r.toString());
        assertTrue(r.err().contains("import"), "progress bar on stderr: " + r);
        r = run("export", "--data", data, "--user", "bob");
        assertEquals(lines.size(), r.out().lines().count(), r.toString());

        // a bad second line: exit 1 naming it, the first line imported
        Path bad = dir.resolve("bad.ndjson");
        Files.writeString(bad, lines.getFirst() + "\n{\"format\":\"engram.export/1\",\"id\":\"nope\"}\n");
        r = run("import", "--data", data, "--user", "carol", bad.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().startsWith("engram import: line 2: "), r.toString());
        assertEquals(1, run("export", "--data", data, "--user", "carol").out().lines().count());

        // purge: not confirmed, then confirmed by typing the user id
        r = runIn("no\n", "purge", "--data", data, "--user", "alice");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("not confirmed"), r.toString());
        assertEquals(lines.size(), run("export", "--data", data, "--user", "alice").out().lines().count(), "nothing removed");
        r = runIn("alice\n", "purge", "--data", data, "--user", "alice");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.json().get("memories").asLong() >= 1, r.toString());
        assertTrue(r.json().has("user_pseudonym") && !r.out().contains("Lisbon"), "a receipt, never content: " + r);
        assertEquals("", run("export", "--data", data, "--user", "alice").out());
        r = run("purge", "--data", data, "--user", "bob", "--yes");
        assertEquals(0, r.code(), r.toString());

        // bad input
        r = run("search", "--data", data, "--user", "a/b", "x");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("--user: must match"), r.toString());
        r = run("import", "--data", data, "--user", "dan", dir.resolve("missing.ndjson").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("no file"), r.toString());
        r = run("export", "--data", data, "--user", "dan", "--out", dir.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("is a directory"), r.toString());
        Path notDir = dir.resolve("file");
        Files.writeString(notDir, "x");
        r = run("search", "--data", notDir.toString(), "--user", "a", "x");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("not a directory"), r.toString());
    }

    @Test
    void usageErrorsExitTwoAndHelpListsExitCodes(@TempDir Path dir) {
        for (String cmd : List.of("ingest", "search", "export", "import", "purge", "eval", "serve")) {
            Run h = run(cmd, "--help");
            assertEquals(0, h.code(), h.toString());
            assertTrue(h.out().contains("Usage: engram " + cmd), h.toString());
            if (!cmd.equals("serve")) assertTrue(h.out().contains("Exit codes:") && h.out().contains("--data"), h.toString());
        }
        Run top = run("--help");
        assertTrue(top.out().contains("export") && top.out().contains("eval"), top.toString());
        Run r = run("export");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("Missing required option: '--user=<user>'"), r.toString());
        r = run("search", "--data", dir.toString(), "--url", "http://127.0.0.1:1", "--user", "a", "x");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--data and --url/--api-key exclude each other"), r.toString());
        r = run("search", "--url", "ftp://x", "--user", "a", "x");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--url must be an http(s) URL"), r.toString());
        r = run("search", "--limit", "0", "--user", "a", "x");
        assertEquals(2, r.code(), r.toString());
        r = run("import", "--user", "a", "--batch-lines", "0", "-");
        assertEquals(2, r.code(), r.toString());
        r = run("frobnicate");
        assertEquals(2, r.code(), r.toString());
    }

    @Test
    void everyCommandAgainstAServer(@TempDir Path dir) throws Exception {
        try (Engram engram = Engram.builder(dir.resolve("server-data")).durability(Durability.SYNC)
                        .consistencyTimeout(Duration.ofSeconds(30)).open();
                EngramServer server = EngramServer.start(engram, false, ServerConfig.loopback())) {
            String url = "http://127.0.0.1:" + server.port();
            Run r = run("ingest", "--url", url, "--user", "alice", "--wait", "I moved to Lisbon last year and I am vegetarian.");
            assertEquals(0, r.code(), r.toString());
            assertEquals("applied", r.json().get("status").asText(), r.toString());
            r = run("search", "--url", url, "--user", "alice", "--session-consistent", "where do I live?");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.json().get("memories").toString().contains("Lisbon"), r.toString());
            Run export = run("export", "--url", url, "--user", "alice");
            assertEquals(0, export.code(), export.toString());
            long lines = export.out().lines().count();
            assertTrue(lines >= 1, export.toString());
            r = runIn(export.out(), "import", "--url", url, "--user", "bob", "-");
            assertEquals(0, r.code(), r.toString());
            assertEquals(export.out(), run("export", "--url", url, "--user", "bob").out(), "bob's export equals alice's");
            r = runIn(export.out().lines().findFirst().orElseThrow() + "\nnot json\n", "import", "--url", url, "--user", "carol", "-");
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().startsWith("engram import: line 2: "), r.toString());
            r = run("purge", "--url", url, "--user", "alice", "--yes");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.json().get("memories").asLong() >= 1, r.toString());
            assertEquals("", run("export", "--url", url, "--user", "alice").out());

            r = run("search", "--url", url, "--user", "a", "--token-budget", "999999999", "x");
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("HTTP 400 invalid_request"), r.toString());

            Path set = locomo(dir);
            r = run("eval", "--url", url, set.toString());
            assertEquals(0, r.code(), r.toString());
            assertRecall(r);
        }
        Run down = run("search", "--url", "http://127.0.0.1:1", "--user", "a", "x");
        assertEquals(1, down.code(), down.toString());
        assertTrue(down.err().contains("cannot connect"), down.toString());
    }

    @Test
    void evalOnADataDirectoryPrintsRealRecall(@TempDir Path dir) throws Exception {
        Path set = locomo(dir);
        Run r = run("eval", "--data", dir.resolve("data").toString(), "--progress", set.toString());
        assertEquals(0, r.code(), r.toString());
        assertRecall(r);
        assertTrue(r.err().contains("eval"), "progress bar on stderr: " + r);
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"not\": \"a list\"}");
        r = run("eval", "--data", dir.resolve("data").toString(), broken.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("expected a JSON list of conversations"), r.toString());
    }

    static void assertRecall(Run r) {
        Matcher m = Pattern.compile("RESULT eval recall_at_512=([0-9.]+) questions=2 conversations=1").matcher(r.out());
        assertTrue(m.find(), r.toString());
        double recall = Double.parseDouble(m.group(1));
        // the Lisbon question's evidence is the turn that says it; the extractor keeps that source
        assertTrue(recall >= 0.5 && recall <= 1.0, r.toString());
    }

    /** A two-session LoCoMo-format conversation with two scored questions and one adversarial one. */
    static Path locomo(Path dir) throws Exception {
        String json = """
                [{"sample_id": "conv-t",
                  "conversation": {
                    "speaker_a": "Ana", "speaker_b": "Ben",
                    "session_1_date_time": "1:56 pm on 8 May, 2023",
                    "session_1": [
                      {"speaker": "Ana", "dia_id": "D1:1", "text": "I moved to Lisbon last month."},
                      {"speaker": "Ben", "dia_id": "D1:2", "text": "How do you like it?"},
                      {"speaker": "Ana", "dia_id": "D1:3", "text": "I love it. I am vegetarian and the food is great."}],
                    "session_2_date_time": "10:00 am on 9 June, 2023",
                    "session_2": [
                      {"speaker": "Ana", "dia_id": "D2:1", "text": "My sister Maria works as a nurse in Porto."},
                      {"speaker": "Ben", "dia_id": "D2:2", "text": "That is nice."}]},
                  "qa": [
                    {"question": "Where did Ana move?", "answer": "Lisbon", "evidence": ["D1:1"], "category": 4},
                    {"question": "What does Ana's sister do?", "answer": "nurse", "evidence": ["D2:1"], "category": 4},
                    {"question": "Where does Ben live?", "answer": "", "evidence": [], "category": 5}]}]
                """;
        Path p = dir.resolve("locomo-test.json");
        Files.writeString(p, json);
        return p;
    }
}
