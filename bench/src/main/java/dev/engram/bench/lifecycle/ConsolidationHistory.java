package dev.engram.bench.lifecycle;

import dev.engram.ConsolidationReport;
import dev.engram.Engram;
import dev.engram.IngestRequest;
import dev.engram.ListRequest;
import dev.engram.Message;
import dev.engram.RetrieveRequest;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A long synthetic history of one user, generated deterministically from a seed, ingested through
 * the whole engine (rule-based extraction, the bundled embedder, reconciliation) and then
 * consolidated: each day has one outing told over 3–5 turns (episodic content: the same activity,
 * place and friend in varied sentences), and every day one or two turns repeat a fact, a preference
 * or an earlier outing in other words (repeated content). Reports the ACTIVE memory count before and
 * after {@link Engram#consolidate(UserId)}. Not thread-safe.
 */
final class ConsolidationHistory {
    private static final String[] ACTIVITIES = {"hiking", "kayaking", "cycling", "rock climbing", "sailing", "skiing",
            "birdwatching", "fishing", "a pottery class", "a cooking class", "a jazz concert", "a football match"};
    private static final String[] PLACES = {"Mount Tam", "Lake Tahoe", "the Marin Headlands", "Point Reyes", "Half Moon Bay",
            "Yosemite", "Napa", "Santa Cruz", "Big Sur", "Sausalito", "Golden Gate Park", "Berkeley"};
    private static final String[] FRIENDS = {"Sam", "Priya", "Jonas", "Mei", "Carlos", "Aisha", "Tom", "Lena"};
    private static final String[] FOODS = {"tacos", "ramen", "pizza", "oysters", "dim sum", "burgers"};
    private static final String[] FACTS = {"I have a dog named Rex.", "My dog is called Rex.", "Rex is my dog, a beagle.",
            "I work as a nurse at the city hospital.", "I am a nurse at the city hospital.", "My sister Anna lives in Boston.",
            "Anna, my sister, lives in Boston.", "I prefer tea over coffee.", "I like tea more than coffee.",
            "I am allergic to peanuts.", "I have a peanut allergy."};

    record Result(int turns, ConsolidationReport report, long eventsBefore, long eventsAfter, double seconds,
                  double ingestSeconds) {
        double ratio() {
            return report.memoriesAfter() / (double) Math.max(1, report.memoriesBefore());
        }
    }

    private ConsolidationHistory() {}

    /** The turns of {@code days} days, in order (timestamps from 2024-01-01). */
    static List<Message> turns(int days, long seed) {
        Random r = new Random(seed);
        Instant t0 = Instant.parse("2024-01-01T08:00:00Z");
        List<Message> out = new ArrayList<>();
        int n = 0;
        for (int d = 0; d < days; d++) {
            Instant day = t0.plus(Duration.ofDays(d));
            String act = ACTIVITIES[r.nextInt(ACTIVITIES.length)], place = PLACES[r.nextInt(PLACES.length)];
            String friend = FRIENDS[r.nextInt(FRIENDS.length)], food = FOODS[r.nextInt(FOODS.length)];
            List<String> episode = new ArrayList<>(List.of(
                    "Today I went " + act + " at " + place + " with " + friend + ".",
                    friend + " and I spent the whole afternoon " + (act.startsWith("a ") ? "at " + act : act) + " at " + place + ".",
                    "After " + act + " at " + place + ", " + friend + " and I had " + food + ".",
                    "I took lots of photos of " + place + " during " + act + " with " + friend + ".",
                    "The " + act + " trip to " + place + " with " + friend + " was exhausting but fun."));
            int k = 3 + r.nextInt(3);
            for (int i = 0; i < k; i++) {
                out.add(new Message(dev.engram.extraction.extract.Role.USER, episode.get(i), null, "h" + (n++), day.plusSeconds(600L * i)));
            }
            int repeats = 1 + r.nextInt(2);
            for (int i = 0; i < repeats; i++) {
                String text = FACTS[r.nextInt(FACTS.length)];
                out.add(new Message(dev.engram.extraction.extract.Role.USER, text, null, "h" + (n++), day.plusSeconds(7200L + 600L * i)));
            }
        }
        return out;
    }

    static Result run(Path dir, int days, long seed) {
        UserId user = UserId.of("history");
        List<Message> turns = turns(days, seed);
        try (Engram e = Engram.builder(dir).durability(Durability.NONE).sweepPeriod(Duration.ZERO)
                .consolidation(Duration.ZERO, Duration.ofDays(1), 3).consistencyTimeout(Duration.ofMinutes(30))
                .queueCapacity(Math.max(10_000, turns.size() + 1)).open()) {
            long t0 = System.nanoTime();
            for (Message m : turns) e.ingest(IngestRequest.of(user, "s1", List.of(m)));
            e.retrieve(RetrieveRequest.of(user, "warm-up").sessionConsistent()); // waits until every ingestion is applied
            double ingest = (System.nanoTime() - t0) / 1e9;
            long eventsBefore = count(e, user, MemoryType.EVENT);
            long t1 = System.nanoTime();
            ConsolidationReport r = e.consolidate(user);
            double s = (System.nanoTime() - t1) / 1e9;
            long eventsAfter = count(e, user, MemoryType.EVENT);
            System.out.printf(Locale.ROOT, "history: %d turns over %d days ingested in %.1f s; consolidation in %.1f s: %s%n",
                    turns.size(), days, ingest, s, r);
            return new Result(turns.size(), r, eventsBefore, eventsAfter, s, ingest);
        }
    }

    private static long count(Engram e, UserId user, MemoryType type) {
        long n = 0;
        String cursor = null;
        do {
            var page = e.list(ListRequest.of(user).type(type).status(MemoryStatus.ACTIVE).limit(1000).cursor(cursor));
            n += page.memories().size();
            cursor = page.nextCursor();
        } while (cursor != null);
        return n;
    }
}
