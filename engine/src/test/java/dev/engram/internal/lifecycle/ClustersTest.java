package dev.engram.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.lifecycle.Clusters.Item;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** Clustering and summaries of consolidation as pure functions, with an exact (brute-force) neighbour source. */
@Seeded
class ClustersTest {
    static final UserId U = UserId.of("u");
    static final Instant T0 = Instant.parse("2023-05-01T10:00:00Z");
    static final int DIM = 16;
    static final ConsolidationRules RULES = ConsolidationRules.DEFAULT;

    private long nextId = 1;
    private final MemoryId.Generator ids = new MemoryId.Generator(new java.util.Random(1));

    /** Exact neighbours: every open item, most similar first (the clusterer sorts again). */

    static Clusters.Neighbours exact(List<Item> items) {
        return (seed, k, open) -> {
            List<Item> out = new ArrayList<>();
            for (Item i : items) if (open.contains(i.ordinal())) out.add(i);
            out.sort((a, b) -> Double.compare(Clusters.dot(seed.vector(), b.vector()), Clusters.dot(seed.vector(), a.vector())));
            return out.subList(0, Math.min(k, out.size()));
        };
    }

    static float[] unit(java.util.Random r) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) v[i] = (float) r.nextGaussian();
        return normalize(v);
    }

    static float[] normalize(float[] v) {
        double n = 0;
        for (float x : v) n += x * x;
        float s = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < v.length; i++) v[i] *= s;
        return v;
    }

    /** {@code base} moved by {@code eps} in a random direction: cosine about 1/sqrt(1+eps²). */
    static float[] near(float[] base, double eps, java.util.Random r) {
        float[] d = unit(r);
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) v[i] = (float) (base[i] + eps * d[i]);
        return normalize(v);
    }

    Item item(String text, MemoryType type, Instant eventTime, float[] v) {
        return item(text, type, eventTime, v, Map.of());
    }

    Item item(String text, MemoryType type, Instant eventTime, float[] v, Map<String, String> metadata) {
        long n = nextId++;
        Memory m = Memory.builder().id(ids.next(1_000_000 + n)).user(U).content(text).type(type).createdAt(T0.plus(Duration.ofDays(60)))
                .eventTime(eventTime).metadata(metadata).build();
        return new Item(m, v, (int) n * 3); // ordinals need not be dense
    }

    @Test
    void summaryKeepsEveryDistinctSentenceInTimeOrderUnderItsDate() {
        Memory a = item("Went hiking at Mount Tam with Sam. It rained", MemoryType.EVENT, T0.plus(Duration.ofDays(1)), new float[DIM]).memory();
        Memory b = item("Went hiking at Mount Tam.", MemoryType.EVENT, T0.plus(Duration.ofDays(2)), new float[DIM]).memory();
        Memory c = item("Bought new hiking boots.", MemoryType.EVENT, T0, new float[DIM]).memory();
        Memory d = item("Sam twisted an ankle on the trail!", MemoryType.EVENT, T0.plus(Duration.ofDays(2)), new float[DIM]).memory();
        String s = EventSummary.text(List.of(a, b, c, d));
        assertEquals("On 2023-05-01: Bought new hiking boots. On 2023-05-02: Went hiking at Mount Tam with Sam. It rained."
                + " On 2023-05-03: Sam twisted an ankle on the trail!", s);
        List<Memory> shuffled = new ArrayList<>(List.of(a, b, c, d));
        Collections.reverse(shuffled);
        assertEquals(s, EventSummary.text(shuffled), "member order must not matter");
        // "Went hiking at Mount Tam." adds no word: left out; every word of every source is still there.
        for (Memory m : List.of(a, b, c, d)) assertTrue(EventSummary.allWords(s).containsAll(EventSummary.allWords(m.content())), m.content());
    }

    @Test
    void episodesGroupRelatedEventsWithinTheWindowOnly() {
        java.util.Random r = new java.util.Random(42);
        float[] trip = unit(r), cooking = unit(r);
        List<Item> items = new ArrayList<>();
        List<Item> may = new ArrayList<>();
        for (int i = 0; i < 4; i++) may.add(item("Trip to Lisbon day " + i + ": visited the castle", MemoryType.EVENT, T0.plus(Duration.ofHours(20 * i)), near(trip, 0.3, r)));
        List<Item> july = new ArrayList<>();
        for (int i = 0; i < 3; i++) july.add(item("Trip to Lisbon again, day " + i + ", castle closed", MemoryType.EVENT, T0.plus(Duration.ofDays(60 + i)), near(trip, 0.3, r)));
        Item fact = item("Likes Lisbon trips and the castle", MemoryType.FACT, T0, near(trip, 0.1, r));
        Item lone = item("Baked bread", MemoryType.EVENT, T0, cooking);
        Item noSharedWord = item("Flew home", MemoryType.EVENT, T0.plus(Duration.ofHours(30)), near(trip, 0.2, r));
        items.addAll(may);
        items.addAll(july);
        items.addAll(List.of(fact, lone, noSharedWord));
        List<List<Item>> clusters = Clusters.episodes(items, exact(items), RULES);
        assertEquals(2, clusters.size(), clusters.toString());
        assertEquals(Set.copyOf(may), Set.copyOf(clusters.get(0)));
        assertEquals(Set.copyOf(july), Set.copyOf(clusters.get(1)));
    }

    @Test
    void aClusterStopsGrowingBeforeItsSummaryPassesTheBound() {
        java.util.Random r = new java.util.Random(7);
        float[] topic = unit(r);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            items.add(item("Concert night " + i + ": " + "the band played song number " + i + " and ".repeat(10) + "more.",
                    MemoryType.EVENT, T0.plus(Duration.ofHours(i)), near(topic, 0.2, r)));
        }
        ConsolidationRules small = new ConsolidationRules(0.94, 0.70, Duration.ofDays(7), 2, 8, 300, 32);
        List<List<Item>> clusters = Clusters.episodes(items, exact(items), small);
        assertFalse(clusters.isEmpty());
        for (List<Item> c : clusters) {
            assertTrue(c.size() < 8, "a cluster of " + c.size());
            assertTrue(EventSummary.text(c.stream().map(Item::memory).toList()).length() <= 300);
        }
    }

    @Test
    void duplicatesNeedTheSameTypeAndExpiryClassAndAtMostOneSlot() {
        java.util.Random r = new java.util.Random(3);
        float[] base = unit(r);
        Item a = item("Has a dog named Rex", MemoryType.FACT, null, near(base, 0.05, r));
        Item b = item("Has a dog called Rex", MemoryType.FACT, null, near(base, 0.05, r));
        Item c = item("Has a dog named Rex", MemoryType.PREFERENCE, null, near(base, 0.05, r));
        Item d = item("Has a dog, Rex", MemoryType.FACT, null, near(base, 0.05, r), Map.of(Clusters.SLOT, "user.dog"));
        Item e = item("Has a dog named Rex!", MemoryType.FACT, null, near(base, 0.05, r), Map.of(Clusters.SLOT, "user.pet"));
        Item far = item("Lives in Oslo", MemoryType.FACT, null, unit(r));
        List<Item> items = List.of(a, b, c, d, e, far);
        List<List<Item>> groups = Clusters.duplicates(items, exact(items), RULES);
        assertEquals(1, groups.size(), groups.toString());
        List<Item> g = groups.getFirst();
        assertEquals(a, g.getFirst());
        assertTrue(g.contains(b) && g.contains(d) && !g.contains(c) && !g.contains(far));
        assertEquals(1, g.stream().filter(i -> Clusters.slot(i) != null).count(), "one slot holder at most");
        assertEquals(d, Clusters.keeper(g), "the slot holder is kept");
    }

    @RepeatedTest(20)
    void randomHistoriesClusterDisjointlyWithinTheRulesWhateverTheInputOrder(TestRandom random) {
        List<Item> items = new ArrayList<>();
        float[][] topics = new float[4][];
        for (int t = 0; t < topics.length; t++) topics[t] = unit(random);
        String[] words = {"lisbon", "castle", "concert", "bread", "garden", "soccer"};
        int n = random.between(5, 60);
        for (int i = 0; i < n; i++) {
            int t = random.nextInt(topics.length);
            String text = "Day " + i + " " + words[random.nextInt(words.length)] + " and " + words[random.nextInt(words.length)];
            MemoryType type = random.nextInt(5) == 0 ? MemoryType.FACT : MemoryType.EVENT;
            float[] v = random.nextInt(4) == 0 && !items.isEmpty()
                    ? near(items.get(random.nextInt(items.size())).vector(), 0.05, random) // a near-duplicate
                    : near(topics[t], random.nextDouble() * 0.8, random);
            items.add(item(text, type, T0.plus(Duration.ofHours(random.nextInt(24 * 30))), v));
        }
        List<List<Item>> episodes = Clusters.episodes(items, exact(items), RULES);
        List<List<Item>> dups = Clusters.duplicates(items, exact(items), RULES);
        for (List<List<Item>> found : List.of(episodes, dups)) {
            Set<Integer> seen = new HashSet<>();
            for (List<Item> c : found) for (Item i : c) assertTrue(seen.add(i.ordinal()), "an item in two clusters");
        }
        for (List<Item> c : episodes) {
            assertTrue(c.size() >= RULES.minCluster() && c.size() <= RULES.maxCluster());
            for (Item i : c) {
                assertEquals(MemoryType.EVENT, i.memory().type());
                if (i != c.getFirst()) assertTrue(Clusters.dot(c.getFirst().vector(), i.vector()) >= RULES.related());
                for (Item j : c) assertTrue(Clusters.within(i, j, RULES.window()));
            }
            assertTrue(EventSummary.text(c.stream().map(Item::memory).toList()).length() <= RULES.maxSummaryChars());
        }
        for (List<Item> g : dups) {
            for (Item i : g) if (i != g.getFirst()) assertTrue(Clusters.sameMeaning(g.getFirst(), i, RULES));
        }
        List<Item> shuffled = new ArrayList<>(items);
        Collections.shuffle(shuffled, random);
        assertEquals(ids(episodes), ids(Clusters.episodes(shuffled, exact(shuffled), RULES)), "input order changed the episodes");
        assertEquals(ids(dups), ids(Clusters.duplicates(shuffled, exact(shuffled), RULES)), "input order changed the groups");
    }

    private static List<List<MemoryId>> ids(List<List<Item>> clusters) {
        return clusters.stream().map(c -> c.stream().map(i -> i.memory().id()).toList()).toList();
    }
}
