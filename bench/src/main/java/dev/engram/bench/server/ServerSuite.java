package dev.engram.bench.server;

import dev.engram.Engram;
import dev.engram.bench.BenchEnv;
import dev.engram.server.ApiKeys;
import dev.engram.server.EngramServer;
import dev.engram.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code bench/run server [--quick]}: a load generator against a real server on loopback. The
 * server (default options: SYNC durability, rule-based extractor, bundled embedder) runs in this
 * JVM on a temporary data directory; {@value #CLIENTS} concurrent clients (virtual threads, one
 * {@link HttpClient}) send a mix of 20 % ingests ({@code POST …/turns}) and 80 % searches
 * ({@code POST …/memories/search}) over {@value #USERS} users, closed loop (each client waits for
 * its answer). Latency is recorded per request in HdrHistogram. Client and server share the two
 * cores, so the figures are a floor for the server alone.
 *
 * <p>Ends with {@code RESULT server search_p99_ms=<x> rps=<y> errors=<n> p99_ms=<all requests> ingest_p99_ms=…
 * overloaded=…}: {@code errors} counts every request of the measured period that did not get a 2xx
 * (429 included, also counted apart as {@code overloaded}) or failed in transport; {@code rps}
 * counts the 2xx answers only.
 */
public final class ServerSuite {
    static final int CLIENTS = 32;
    static final int USERS = 200;
    static final String[] FACTS = {
        "I live in %s.", "My sister %s works as a nurse.", "I am allergic to %s.", "I have a dog named %s.",
        "My favourite food is %s.", "I moved to %s last month.", "I play the %s on weekends.", "I work at %s.",
    };
    static final String[] WORDS = {"Lisbon", "Rex", "peanuts", "Ana", "sushi", "Berlin", "guitar", "Acme", "Oslo", "Milo",
        "shellfish", "ramen", "piano", "Globex", "Kyoto", "Luna"};
    static final String[] QUESTIONS = {"Where do I live?", "What pets do I have?", "What am I allergic to?", "What do I like to eat?",
        "What instrument do I play?", "Where do I work?", "Tell me about my family."};

    public static void main(String[] args) throws Exception {
        boolean quick = BenchEnv.quick(args);
        Duration warmup = Duration.ofSeconds(quick ? 5 : 15);
        Duration measure = Duration.ofSeconds(quick ? 15 : 60);
        Path dir = Files.createTempDirectory("engram-bench-server");
        try (Engram engram = Engram.open(dir);
                EngramServer server = EngramServer.start(engram, false, new ServerConfig("127.0.0.1", 0, ApiKeys.none(), ServerConfig.DEFAULT_MAX_BODY));
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String base = "http://127.0.0.1:" + server.port();
            Recorder search = new Recorder(3);
            Recorder ingest = new Recorder(3);
            AtomicLong errors = new AtomicLong();
            AtomicLong overloaded = new AtomicLong();
            AtomicLong seedErrors = new AtomicLong();
            // seed every user with a few memories so searches have something to rank
            for (int u = 0; u < USERS; u++) {
                send(client, ingestRequest(base, u, new Random(u)), null, seedErrors, new AtomicLong());
            }
            if (seedErrors.get() > 0) System.out.println("seeding: " + seedErrors.get() + " request(s) failed");
            System.out.printf("server bench: %d clients, %d users, warm-up %ds, measure %ds, data in %s%n",
                    CLIENTS, USERS, warmup.toSeconds(), measure.toSeconds(), dir);
            run(client, base, warmup, new Recorder(3), new Recorder(3), new AtomicLong(), new AtomicLong());
            search.reset();
            ingest.reset();
            long start = System.nanoTime();
            run(client, base, measure, search, ingest, errors, overloaded);
            double seconds = (System.nanoTime() - start) / 1e9;
            Histogram s = search.getIntervalHistogram();
            Histogram i = ingest.getIntervalHistogram();
            Histogram all = s.copy();
            all.add(i);
            double rps = all.getTotalCount() / seconds;
            System.out.println();
            System.out.println("| requests | count | req/s | p50 ms | p95 ms | p99 ms | max ms |");
            System.out.println("|---|---|---|---|---|---|---|");
            row("search", s, seconds);
            row("ingest", i, seconds);
            row("all", all, seconds);
            System.out.printf("errors=%d (non-2xx or transport; of them overloaded(429)=%d) pending_ingestions_at_end=%d%n",
                    errors.get(), overloaded.get(), engram.pendingIngestions());
            System.out.printf(java.util.Locale.ROOT, "RESULT server search_p99_ms=%.1f rps=%.0f errors=%d p99_ms=%.1f ingest_p99_ms=%.1f overloaded=%d%n",
                    ms(s, 99), rps, errors.get(), ms(all, 99), ms(i, 99), overloaded.get());
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static void run(HttpClient client, String base, Duration length, Recorder search, Recorder ingest, AtomicLong errors,
            AtomicLong overloaded) throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int seed = c;
            threads.add(Thread.ofVirtual().start(() -> {
                Random r = new Random(seed * 7919L + System.nanoTime());
                while (System.nanoTime() < end) {
                    int user = r.nextInt(USERS);
                    boolean isIngest = r.nextInt(5) == 0;
                    HttpRequest req = isIngest ? ingestRequest(base, user, r) : searchRequest(base, user, r);
                    long t0 = System.nanoTime();
                    if (send(client, req, null, errors, overloaded)) (isIngest ? ingest : search).recordValue((System.nanoTime() - t0) / 1000);
                }
            }));
        }
        for (Thread t : threads) t.join();
    }

    static HttpRequest ingestRequest(String base, int user, Random r) {
        String fact = FACTS[r.nextInt(FACTS.length)].formatted(WORDS[r.nextInt(WORDS.length)]);
        String body = "{\"session_id\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"" + fact + "\"}]}";
        return post(base + "/v1/users/u" + user + "/turns", body);
    }

    static HttpRequest searchRequest(String base, int user, Random r) {
        String body = "{\"query\":\"" + QUESTIONS[r.nextInt(QUESTIONS.length)] + "\",\"limit\":10,\"token_budget\":500}";
        return post(base + "/v1/users/u" + user + "/memories/search", body);
    }

    static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static boolean send(HttpClient client, HttpRequest req, Object unused, AtomicLong errors, AtomicLong overloaded) {
        try {
            HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) errors.incrementAndGet();
            if (r.statusCode() == 429) overloaded.incrementAndGet();
            return r.statusCode() / 100 == 2;
        } catch (IOException e) {
            errors.incrementAndGet();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void row(String name, Histogram h, double seconds) {
        System.out.printf("| %s | %d | %.0f | %.1f | %.1f | %.1f | %.1f |%n", name, h.getTotalCount(), h.getTotalCount() / seconds,
                ms(h, 50), ms(h, 95), ms(h, 99), h.getMaxValue() / 1000.0);
    }

    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
