package dev.engram.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engram.Engram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard (docs/grafana/engram.json) and the alert rules
 * (docs/prometheus/engram-rules.yml, shown in docs/operations.md) use only metrics, and label
 * values, that a real {@code /metrics} scrape has after the server did some work.
 */
class OperationsDocsTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern METRIC = Pattern.compile("\\b((?:engram|jvm|process|system)_[a-z0-9_]+)\\b(\\{[^}]*\\})?");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    @Test
    void dashboardAndAlertRulesUseOnlyExportedMetrics(@TempDir Path dir) throws Exception {
        List<String> exprs = new ArrayList<>();
        JsonNode dash = Json.MAPPER.readTree(Files.readString(DOCS.resolve("grafana/engram.json")));
        for (JsonNode panel : dash.path("panels")) {
            for (JsonNode t : panel.path("targets")) exprs.add(t.path("expr").asText());
        }
        assertTrue(exprs.size() >= 10, "the dashboard has its panels: " + exprs);
        String rules = Files.readString(DOCS.resolve("prometheus/engram-rules.yml"));
        String ops = Files.readString(DOCS.resolve("operations.md"));
        assertTrue(ops.contains("```yaml\n" + rules + "```"), "docs/operations.md shows docs/prometheus/engram-rules.yml verbatim");
        exprs.add(rules.replaceAll("(?m)^\\s*#.*$", "").replaceAll("(?m)#.*$", ""));

        try (Engram engram = Fixture.engram(dir);
                EngramServer server = EngramServer.start(engram, false, ServerConfig.loopback());
                Http http = new Http(server.port())) {
            http.post("/v1/users/ops/turns", "{\"messages\":[{\"role\":\"user\",\"content\":\"I live in Oslo.\"}],\"wait\":true}");
            http.post("/v1/users/ops/memories/search", "{\"query\":\"where do I live\"}");
            http.post("/v1/users/ops/memories/search", "{\"query\":\"x\",\"limit\":\"ten\"}"); // a 400
            http.delete("/v1/users/gone");
            String scrape = http.get("/metrics").body();
            Set<String> missing = new TreeSet<>();
            int checked = 0;
            for (String e : exprs) {
                Matcher m = METRIC.matcher(e);
                while (m.find()) {
                    checked++;
                    String name = m.group(1);
                    if (!Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(scrape).find()) {
                        missing.add(name);
                        continue;
                    }
                    if (m.group(2) == null) continue;
                    Matcher l = LABEL.matcher(m.group(2)); // exact matchers only (=~ is a pattern)
                    while (l.find()) {
                        String pair = l.group(1) + "=\"" + l.group(2) + "\"";
                        if (!Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(pair)).matcher(scrape).find()) {
                            missing.add(name + "{" + pair + "}");
                        }
                    }
                }
            }
            assertTrue(checked >= 30, "metric references found: " + checked);
            assertEquals(Set.of(), missing, "not in the scrape:\n" + scrape);
        }
    }
}
