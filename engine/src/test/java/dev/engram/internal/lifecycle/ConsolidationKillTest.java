package dev.engram.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.ConsolidationReport;
import dev.engram.Engram;
import dev.engram.EngramOptions;
import dev.engram.ListRequest;
import dev.engram.extraction.embed.Embedder;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.Source;
import dev.engram.memory.UserId;
import dev.engram.testkit.ChildJvm;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import dev.engram.wal.Durability;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash test of consolidation: a child JVM opens a prepared data directory (SYNC) and runs
 * {@link Engram#consolidate()}; the parent kills it with SIGKILL at a random moment, reopens the
 * directory and checks that every group is either wholly written or not at all — every summary
 * lists sources that are all SUPERSEDED by it, no source is in two summaries, no memory was lost,
 * every superseded member points to an ACTIVE memory — then finishes the consolidation and checks
 * that a further run changes nothing. {@code -Dengram.consolidate.crash.cycles=N} changes the count.
 */
@Seeded
class ConsolidationKillTest {
    static final List<UserId> USERS = List.of(UserId.of("c0"), UserId.of("c1"), UserId.of("c2"));
    static final String[] VOCAB = ("lisbon castle museum harbour tram pastry river bridge garden concert violin piano forest "
            + "canyon desert glacier sailing kayak climbing ramen bakery market festival lantern temple island ferry mountain "
            + "vineyard cellar cheese olive theatre ballet opera stadium hockey tennis marathon").split(" ");

    @TempDir
    Path tmp;

    /** Bag-of-words vectors: texts sharing most words are close (a deterministic stand-in for a sentence model). */
    static final class WordsEmbedder implements Embedder {
        public int dimension() { return 384; }
        public String modelId() { return "words-384"; }
        public float[] embed(String text) {
            float[] v = new float[384];
            for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
                if (w.isEmpty()) continue;
                Random r = new Random(w.hashCode());
                for (int i = 0; i < v.length; i++) v[i] += (float) r.nextGaussian();
            }
            double n = 0;
            for (float x : v) n += x * x;
            float s = (float) (1 / Math.sqrt(n));
            for (int i = 0; i < v.length; i++) v[i] *= s;
            return v;
        }
        public float[] embedQuery(String text) { return embed(text); }
        public List<float[]> embedBatch(List<String> texts) { return texts.stream().map(this::embed).toList(); }
        public void close() {}
    }

    static EngramOptions.Builder options(Path dir, Durability d) {
        return Engram.builder(dir).embedder(new WordsEmbedder()).durability(d).sweepPeriod(Duration.ZERO)
                .consolidation(Duration.ZERO, Duration.ofDays(7), 3).episodeSimilarity(0.70);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("child")) {
            System.err.println("usage: ConsolidationKillTest child DIR");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        Engram engram = options(Path.of(args[1]), Durability.SYNC).open();
        out.println("START");
        ConsolidationReport r = engram.consolidate();
        out.println("DONE " + r.clusters());
        Thread.sleep(Long.MAX_VALUE); // until killed; never closed
    }

    /** Per user: episodes of 3–5 events sharing most words, and facts of which some appear twice. */
    static void prepare(Path dir, Random random) {
        MemoryId.Generator ids = new MemoryId.Generator(random);
        long[] millis = {Instant.parse("2024-01-01T00:00:00Z").toEpochMilli()};
        try (Engram e = options(dir, Durability.NONE).open()) {
            for (UserId u : USERS) {
                StringBuilder b = new StringBuilder();
                List<Memory> ms = new ArrayList<>();
                for (int ep = 0; ep < 40; ep++) {
                    String topic = VOCAB[random.nextInt(VOCAB.length)] + " " + VOCAB[random.nextInt(VOCAB.length)] + " "
                            + VOCAB[random.nextInt(VOCAB.length)] + " trip" + ep;
                    Instant at = Instant.parse("2023-01-01T10:00:00Z").plus(Duration.ofDays(10L * ep));
                    int n = 3 + random.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        ms.add(memory(ids, millis, u, "We went to the " + topic + " on day " + i + ".", MemoryType.EVENT,
                                at.plus(Duration.ofHours(i))));
                    }
                }
                for (int f = 0; f < 30; f++) {
                    String text = "The user owns a " + VOCAB[random.nextInt(VOCAB.length)] + " item number " + f + ".";
                    ms.add(memory(ids, millis, u, text, MemoryType.FACT, null));
                    if (random.nextBoolean()) ms.add(memory(ids, millis, u, text, MemoryType.FACT, null));
                }
                for (Memory m : ms) b.append(MemoryNdjson.line(m)).append('\n');
                e.importUser(u, new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static Memory memory(MemoryId.Generator ids, long[] millis, UserId u, String text, MemoryType type, Instant eventTime) {
        millis[0] += 1000;
        return Memory.builder().id(ids.next(millis[0])).user(u).content(text).type(type).eventTime(eventTime)
                .source(new Source("s", List.of("t" + millis[0]), "rules", null)).createdAt(Instant.ofEpochMilli(millis[0]))
                .build();
    }

    /** Every memory of every user, current versions. */
    static Map<MemoryId, Memory> all(Engram e, UserId u) {
        Map<MemoryId, Memory> out = new HashMap<>();
        for (MemoryStatus s : List.of(MemoryStatus.ACTIVE, MemoryStatus.SUPERSEDED, MemoryStatus.ARCHIVED)) {
            String cursor = null;
            do {
                var page = e.list(ListRequest.of(u).status(s).limit(1000).cursor(cursor));
                for (Memory m : page.memories()) out.put(m.id(), m);
                cursor = page.nextCursor();
            } while (cursor != null);
        }
        return out;
    }

    /** The invariants of a consolidation cut anywhere; returns the problems found. */
    static List<String> check(Engram e, Map<UserId, Integer> originals) {
        List<String> problems = new ArrayList<>();
        for (UserId u : USERS) {
            Map<MemoryId, Memory> all = all(e, u);
            Set<MemoryId> cited = new HashSet<>();
            int summaries = 0;
            for (Memory m : all.values()) {
                if (!Consolidator.SUMMARY.equals(m.metadata().get(Consolidator.KIND))) continue;
                summaries++;
                if (m.status() != MemoryStatus.ACTIVE) problems.add(u + ": summary " + m.id() + " is " + m.status());
                for (String id : m.metadata().get(Consolidator.SOURCES).split(",")) {
                    MemoryId sid = MemoryId.parse(id);
                    if (!cited.add(sid)) problems.add(u + ": " + sid + " is in two summaries");
                    Memory s = all.get(sid);
                    if (s == null || s.status() != MemoryStatus.SUPERSEDED || !m.id().equals(s.supersededBy())) {
                        problems.add(u + ": source " + sid + " of summary " + m.id() + " is " + s);
                    }
                }
            }
            for (Memory m : all.values()) {
                if (m.status() != MemoryStatus.SUPERSEDED) continue;
                Memory by = all.get(m.supersededBy());
                Memory end = by;
                for (int hops = 0; end != null && end.status() == MemoryStatus.SUPERSEDED && hops < 3; hops++) end = all.get(end.supersededBy());
                // A merged duplicate points to its keeper, which a later episode may have folded: the chain ends ACTIVE.
                if (end == null || end.status() != MemoryStatus.ACTIVE) problems.add(u + ": " + m.id() + " superseded by " + by);
                if (Consolidator.SUMMARY.equals(by == null ? null : by.metadata().get(Consolidator.KIND)) && !cited.contains(m.id())) {
                    problems.add(u + ": " + m.id() + " points to a summary that does not list it");
                }
            }
            if (all.size() != originals.get(u) + summaries) {
                problems.add(u + ": " + all.size() + " memories, expected " + originals.get(u) + " + " + summaries + " summaries");
            }
        }
        return problems;
    }

    @Test
    void aKilledConsolidationLeavesEachGroupWhollyDoneOrNotAtAll(TestRandom random) throws Exception {
        int cycles = Integer.getInteger("engram.consolidate.crash.cycles", 3);
        int midRun = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            Path dir = tmp.resolve("data" + cycle);
            prepare(dir, random.fork());
            Map<UserId, Integer> originals = new HashMap<>();
            try (Engram e = options(dir, Durability.SYNC).open()) {
                for (UserId u : USERS) originals.put(u, all(e, u).size());
            }
            ChildJvm.Run child = ChildJvm.Run.start(ChildJvm.command(ConsolidationKillTest.class, "256m", "child", dir.toString()),
                    tmp.resolve("child.err"));
            child.awaitLines(1, Duration.ofSeconds(120));
            Thread.sleep(random.nextInt(400));
            List<String> lines = child.kill();
            assertTrue(lines.contains("START"), "the child did not start: " + lines + " (see " + tmp.resolve("child.err") + ")");
            boolean done = lines.stream().anyMatch(l -> l.startsWith("DONE"));
            if (!done) midRun++;
            try (Engram e = options(dir, Durability.SYNC).open()) {
                List<String> problems = check(e, originals);
                assertTrue(problems.isEmpty(), "cycle " + cycle + " (seed " + random.seed() + "): " + String.join("\n", problems));
                ConsolidationReport rest = e.consolidate();
                assertEquals(0, rest.conflicts());
                List<String> after = check(e, originals);
                assertTrue(after.isEmpty(), "after finishing, cycle " + cycle + ": " + String.join("\n", after));
                ConsolidationReport again = e.consolidate();
                assertEquals(0, again.clusters(), "a run after completion changed something: " + again);
                System.out.printf("consolidation kill cycle %d: killed %s; the restart finished %d more groups%n", cycle,
                        done ? "after it finished" : "mid-run", rest.clusters());
            }
        }
        System.out.println("consolidation kill test: " + midRun + " of " + cycles + " kills landed mid-run");
    }
}
