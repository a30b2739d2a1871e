package dev.engram.internal.lifecycle;

import dev.engram.memory.Memory;
import dev.engram.memory.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.roaringbitmap.RoaringBitmap;

/**
 * Finds what consolidation changes (docs/privacy.md, "Consolidation"), as pure functions of the
 * candidate memories, their vectors and a nearest-neighbour source:
 * <ul>
 *   <li>{@link #duplicates}: groups of memories that say the same thing — seeds in id (creation)
 *       order; a seed's group is every still-unassigned neighbour of the same type, the same expiry
 *       class (both with or both without an expiry) and at most one slot between them, at or above
 *       {@code duplicate} similarity <em>to the seed</em> (a star, so chains of near-duplicates
 *       never drift);</li>
 *   <li>{@link #episodes}: clusters of EVENT memories — seeds in time order; candidates are the
 *       seed's unassigned neighbours at or above {@code related} similarity that share a content
 *       word with it, best first; one joins when it lies within {@code window} of every member and
 *       the summary still fits {@code maxSummaryChars}; a cluster of at least {@code minCluster}
 *       is kept.</li>
 * </ul>
 * Deterministic for a deterministic neighbour source (ties broken by id). Not thread-safe (no state
 * between calls; the neighbour source decides).
 */
public final class Clusters {
    /** Metadata key of a memory's slot (the reconciler's). */
    static final String SLOT = "engram.slot";

    /** A candidate: its current version, stored vector and document ordinal (unique per item). */
    public record Item(Memory memory, float[] vector, int ordinal) {}

    /** The nearest items to {@code seed} among the ordinals in {@code open}, most similar first (may include the seed). */
    public interface Neighbours {
        List<Item> near(Item seed, int k, RoaringBitmap open);
    }

    private Clusters() {}

    /** Duplicate groups, each of two or more items, the seed first. */
    public static List<List<Item>> duplicates(List<Item> items, Neighbours neighbours, ConsolidationRules rules) {
        List<Item> seeds = new ArrayList<>(items);
        seeds.sort(Comparator.comparing((Item i) -> i.memory().id()));
        RoaringBitmap open = ordinals(items);
        List<List<Item>> groups = new ArrayList<>();
        for (Item seed : seeds) {
            if (!open.contains(seed.ordinal())) continue;
            List<Item> group = new ArrayList<>();
            group.add(seed);
            boolean slotted = slot(seed) != null;
            for (Item c : byScore(seed, neighbours.near(seed, rules.neighbours(), open))) {
                if (group.size() == rules.maxCluster() * 4) break;
                if (!sameMeaning(seed, c, rules)) continue;
                if (slot(c) != null) {
                    if (slotted) continue; // never two slot holders in one group: the keeper must hold the slot
                    slotted = true;
                }
                group.add(c);
            }
            if (group.size() < 2) continue;
            for (Item i : group) open.remove(i.ordinal());
            groups.add(group);
        }
        return groups;
    }

    /** Episode clusters, each of at least {@code minCluster} EVENT items, the seed first. */
    public static List<List<Item>> episodes(List<Item> items, Neighbours neighbours, ConsolidationRules rules) {
        List<Item> seeds = new ArrayList<>(items);
        seeds.sort(Comparator.comparing((Item i) -> EventSummary.time(i.memory())).thenComparing(i -> i.memory().id()));
        RoaringBitmap open = ordinals(items);
        List<List<Item>> clusters = new ArrayList<>();
        for (Item seed : seeds) {
            if (!open.contains(seed.ordinal())) continue;
            Set<String> seedWords = EventSummary.contentWords(seed.memory().content());
            List<Item> members = new ArrayList<>();
            members.add(seed);
            for (Item c : byScore(seed, neighbours.near(seed, rules.neighbours(), open))) {
                if (members.size() == rules.maxCluster()) break;
                if (!related(seed, c, rules, seedWords)) continue;
                if (!members.stream().allMatch(m -> within(m, c, rules.window()))) continue;
                List<Memory> next = new ArrayList<>(members.size() + 1);
                for (Item m : members) next.add(m.memory());
                next.add(c.memory());
                if (EventSummary.text(next).length() > rules.maxSummaryChars()) continue;
                members.add(c);
            }
            if (members.size() < rules.minCluster()) continue;
            for (Item i : members) open.remove(i.ordinal());
            clusters.add(members);
        }
        return clusters;
    }

    /** Which member of a duplicate group stays ACTIVE: the slot holder, else the longest text, the most important, the oldest. */
    public static Item keeper(List<Item> group) {
        return group.stream().min(Comparator.comparing((Item i) -> slot(i) == null)
                .thenComparing(i -> -i.memory().content().length())
                .thenComparing(i -> -i.memory().importance())
                .thenComparing(i -> i.memory().id())).orElseThrow();
    }

    static boolean sameMeaning(Item a, Item b, ConsolidationRules rules) {
        Memory x = a.memory(), y = b.memory();
        return a.ordinal() != b.ordinal() && x.type() == y.type() && (x.expiresAt() == null) == (y.expiresAt() == null)
                && dot(a.vector(), b.vector()) >= rules.duplicate();
    }

    static boolean related(Item a, Item b, ConsolidationRules rules, Set<String> aWords) {
        Memory x = a.memory(), y = b.memory();
        if (a.ordinal() == b.ordinal() || x.type() != MemoryType.EVENT || y.type() != MemoryType.EVENT) return false;
        if ((x.expiresAt() == null) != (y.expiresAt() == null)) return false;
        if (dot(a.vector(), b.vector()) < rules.related()) return false;
        for (String w : EventSummary.contentWords(y.content())) if (aWords.contains(w)) return true;
        return false;
    }

    static boolean within(Item a, Item b, Duration window) {
        long apart = Math.abs(Duration.between(EventSummary.time(a.memory()), EventSummary.time(b.memory())).toMillis());
        return apart <= window.toMillis();
    }

    static String slot(Item i) {
        return i.memory().metadata().get(SLOT);
    }

    /** Neighbours without the seed, by similarity to it (descending), ties by id. */
    private static List<Item> byScore(Item seed, List<Item> near) {
        List<Item> out = new ArrayList<>(near.size());
        for (Item i : near) if (i.ordinal() != seed.ordinal()) out.add(Objects.requireNonNull(i));
        out.sort(Comparator.comparingDouble((Item i) -> -dot(seed.vector(), i.vector())).thenComparing(i -> i.memory().id()));
        return out;
    }

    private static RoaringBitmap ordinals(List<Item> items) {
        RoaringBitmap b = new RoaringBitmap();
        for (Item i : items) b.add(i.ordinal());
        return b;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
