package dev.engram.internal.store;

import dev.engram.testkit.ChildJvm;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A real crash test of the memory store: a child JVM runs a random multi-user workload through
 * {@link MemoryStore} on disk (SYNC; puts, updates, deletes, journal entries, events, compactions,
 * explicit and background checkpoints, evictions) from several threads and prints one line per
 * acknowledged mutation; the parent kills it with SIGKILL at a random moment, reopens the store
 * and checks: every acknowledged put is there (its version, its content), every acknowledged
 * delete stays deleted (and nothing deleted earlier comes back), versions are 1..n without
 * duplicates, every acknowledged journal entry is there exactly once and the journal only grew,
 * every acknowledged event after the checkpoint marker was replayed, and rebuilt derived state
 * equals the live one.
 *
 * <p>{@code main("loop", cycles, dir, seed)} runs the loop ({@code scripts/engine-crash-loop.sh});
 * {@code main("child", dir, runId, threads)} is the child.
 */
public final class MemoryStoreCrashHarness {
    /** What a loop found. */
    public record Summary(int cycles, long ackedLines, long verified, long replayedRecords, long maxReplayMillis, long millis,
            List<String> problems) {
        @Override
        public String toString() {
            return String.format("cycles=%d acked_mutations=%d verified=%d replayed_records=%d max_recovery_ms=%d elapsed=%.1fs%s",
                    cycles, ackedLines, verified, replayedRecords, maxReplayMillis, millis / 1000.0,
                    problems.isEmpty() ? "" : " problems=" + problems.size() + " first: " + problems.getFirst());
        }
    }

    private static final int USERS_PER_THREAD = 6;

    private MemoryStoreCrashHarness() {}

    static MemoryStore.Options options() {
        return MemoryStore.Options.defaults().withUser(StoreWorkload.USER_OPTIONS).withOpenUsersMaxBytes(50_000)
                .withCheckpointWalBytes(48 << 10);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("child")) {
            child(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
        } else if (args.length == 4 && args[0].equals("loop")) {
            Path dir = Path.of(args[2]);
            Files.createDirectories(dir);
            Summary s = loop(Integer.parseInt(args[1]), dir, Long.decode(args[3]), System.out);
            System.out.println("SUMMARY " + s);
            System.exit(s.problems().isEmpty() ? 0 : 1);
        } else {
            System.err.println("usage: MemoryStoreCrashHarness loop CYCLES DIR SEED | child DIR RUN_ID THREADS");
            System.exit(2);
        }
    }

    private static UserId user(int thread, int i) {
        return UserId.of("t" + thread + "-u" + i);
    }

    private static void child(Path dir, long runId, int threads) throws Exception {
        // Never outlive the parent (a loop stopped by hand would leave children sleeping forever).
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread.ofPlatform().daemon().start(() -> {
            while (parent != null && parent.isAlive()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(3);
        });
        TextAnalyzer analyzer = new TextAnalyzer();
        MemoryStore store = MemoryStore.open(dir, analyzer, options(), MemoryStore.EventSink.NONE);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        synchronized (out) {
            out.println("START");
            out.flush();
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                TestRandom r = new TestRandom(runId * 31 + thread);
                RandomMemories gen = new RandomMemories(r.fork());
                try {
                    for (long seq = 0; ; seq++) work(store, out, r, gen, runId, thread, seq);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE); // until killed
    }

    private static void work(MemoryStore store, PrintStream out, TestRandom r, RandomMemories gen, long runId, int thread, long seq)
            throws IOException {
        UserId u = user(thread, r.nextInt(USERS_PER_THREAD));
        int k = r.nextInt(100);
        if (k < 2) {
            store.compact(u);
            return;
        }
        if (k < 3) {
            store.checkpoint();
            return;
        }
        List<MemoryId> live = store.read(u, UserStore::liveIds);
        List<MemoryStore.Mutation> ms = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        Set<MemoryId> touched = new HashSet<>();
        Instant now = Instant.now();
        for (int n = r.between(1, 3); n > 0; n--) {
            int c = r.nextInt(100);
            List<MemoryId> candidates = live.stream().filter(id -> !touched.contains(id)).toList();
            if (c < 40 || candidates.isEmpty() && c < 70) {
                Memory m = gen.storable(u).toBuilder().createdAt(now).updatedAt(now).validFrom(now).validTo(null).build();
                touched.add(m.id());
                ms.add(new MemoryStore.Mutation.Put(m, r.nextBoolean() ? StoreWorkload.unit(r) : null));
                lines.add("P %d " + u + " " + m.id() + " 1 " + m.content().hashCode());
            } else if (c < 55 && !candidates.isEmpty()) {
                MemoryId id = candidates.get(r.nextInt(candidates.size()));
                Memory prev = store.read(u, us -> us.current(id)).orElseThrow();
                Instant at = prev.updatedAt().isAfter(now) ? prev.updatedAt() : now;
                Memory next = prev.toBuilder().version(prev.version() + 1).content(gen.text(12)).updatedAt(at).build();
                touched.add(id);
                ms.add(new MemoryStore.Mutation.Put(next, r.nextBoolean() ? StoreWorkload.unit(r) : null));
                lines.add("P %d " + u + " " + id + " " + next.version() + " " + next.content().hashCode());
            } else if (c < 70 && !candidates.isEmpty()) {
                MemoryId id = candidates.get(r.nextInt(candidates.size()));
                touched.add(id);
                ms.add(new MemoryStore.Mutation.Delete(id, now));
                lines.add("D %d " + u + " " + id);
            } else if (c < 85) {
                String p = runId + ":" + thread + ":" + seq + ":" + n;
                ms.add(new MemoryStore.Mutation.Journal(p.getBytes(StandardCharsets.US_ASCII)));
                lines.add("J %d " + u + " " + p);
            } else {
                String p = "e" + runId + ":" + thread + ":" + seq + ":" + n;
                ms.add(new MemoryStore.Mutation.Event(p.getBytes(StandardCharsets.US_ASCII)));
                lines.add("E %d " + u + " " + p);
            }
        }
        // Intent lines first: a delete that was written but killed before its acknowledgment was printed may have happened.
        synchronized (out) {
            for (MemoryStore.Mutation m : ms) if (m instanceof MemoryStore.Mutation.Delete d) out.println("X 0 " + u + " " + d.id());
            out.flush();
        }
        long lsn = store.write(u, ms);
        synchronized (out) {
            for (String l : lines) out.println(String.format(l, lsn));
            out.flush();
        }
    }

    /** The state found after the previous cycle: the base the next cycle's checks build on. */
    private static final class Baseline {
        final Map<UserId, List<String>> journal = new HashMap<>();
        final Set<MemoryId> deleted = new HashSet<>();
        final Map<MemoryId, List<Memory>> histories = new HashMap<>();
    }

    /** Runs {@code cycles} kill-and-verify cycles on the store in {@code dir}. */
    public static Summary loop(int cycles, Path dir, long seed, PrintStream log) throws Exception {
        Random random = new Random(seed);
        long t0 = System.nanoTime();
        long acked = 0; // acknowledged mutations (intent lines are not counted)
        long verified = 0;
        long replayed = 0;
        long maxRecovery = 0;
        List<String> problems = new ArrayList<>();
        Baseline base = new Baseline();
        int maxThreads = 4;
        int reported = 0;
        try (TextAnalyzer analyzer = new TextAnalyzer()) {
            for (int cycle = 0; cycle < cycles; cycle++) {
                long runId = random.nextLong() & 0xFFFFFFFFL;
                int threads = 1 + random.nextInt(maxThreads);
                long delayMs = random.nextInt(5) == 0 ? random.nextInt(300) : 200 + random.nextInt(1500);
                Path err = dir.resolveSibling(dir.getFileName() + "-child.err");
                long errBefore = Files.exists(err) ? Files.size(err) : 0;
                ChildJvm.Run child = ChildJvm.Run.start(childCommand(dir, runId, threads), err);
                child.awaitLines(2, java.time.Duration.ofSeconds(60)); // START + one ack
                Thread.sleep(delayMs);
                List<String> lines = child.kill();
                if (Files.exists(err) && Files.size(err) > errBefore) {
                    String text = Files.readString(err).substring((int) errBefore);
                    if (text.contains("Exception")) problems.add("cycle " + cycle + ": the child failed: " + text.lines().limit(5).toList());
                }
                List<String[]> acks = new ArrayList<>();
                for (String line : lines) {
                    String[] f = line.split(" ");
                    if (f.length >= 4 && f[0].length() == 1 && "PDJEX".contains(f[0])) acks.add(f);
                }
                if (acks.isEmpty()) problems.add("cycle " + cycle + ": the child acknowledged nothing (" + lines.size() + " lines)");
                acked += acks.stream().filter(f -> !f[0].equals("X")).count();
                // Evidence for a failure: the directory as the kill left it and the child's output, kept
                // beside the data only when this cycle finds a problem.
                Path evidence = dir.resolveSibling(dir.getFileName() + "-cycle" + cycle + "-as-killed");
                copyTree(dir, evidence);
                int problemsBefore = problems.size();
                StoreWorkload.RecordingSink sink = new StoreWorkload.RecordingSink();
                try (MemoryStore s = MemoryStore.open(dir, analyzer, options(), sink)) {
                    MemoryStore.Stats st = s.stats();
                    replayed += st.replayedRecords();
                    maxRecovery = Math.max(maxRecovery, st.recoveryMillis());
                    verified += verify(s, cycle, runId, acks, sink, st.truncatedLsn(), base, problems, maxThreads);
                    if (problems.size() > problemsBefore) {
                        problems.add("cycle " + cycle + ": recovery saw marker applied=" + st.appliedLsn() + " truncated="
                                + st.truncatedLsn() + ", replayed " + st.replayedRecords() + " records, last LSN " + st.lastLsn()
                                + "; the directory as killed is in " + evidence + ", the child's output in " + evidence + ".out");
                        Files.write(evidence.resolveSibling(evidence.getFileName() + ".out"), lines);
                    }
                    base = baseline(s, maxThreads);
                }
                if (problems.size() == problemsBefore) deleteTree(evidence);
                if (log != null) {
                    for (int i = reported; i < problems.size(); i++) log.println("PROBLEM " + problems.get(i));
                }
                reported = problems.size();
                if (log != null && ((cycle + 1) % 10 == 0 || cycle + 1 == cycles)) {
                    log.printf("engine crash cycle %d/%d: acked=%d verified=%d replayed=%d problems=%d%n", cycle + 1, cycles, acked,
                            verified, replayed, problems.size());
                }
            }
        }
        return new Summary(cycles, acked, verified, replayed, maxRecovery, (System.nanoTime() - t0) / 1_000_000, problems);
    }

    private static long verify(MemoryStore s, int cycle, long runId, List<String[]> acks, StoreWorkload.RecordingSink sink, long truncated,
            Baseline base, List<String> problems, int maxThreads) throws IOException {
        String c = "cycle " + cycle + ": ";
        long ok = 0;
        // Latest acknowledged fact per memory (acks are printed in LSN order per thread, and a user has one thread).
        Map<MemoryId, String[]> last = new HashMap<>();
        Map<UserId, List<String>> journals = new HashMap<>();
        Set<String> ackedEvents = new HashSet<>();
        Set<MemoryId> deleteAttempted = new HashSet<>();
        for (String[] f : acks) {
            switch (f[0]) {
                case "X" -> deleteAttempted.add(MemoryId.parse(f[3]));
                case "P", "D" -> last.put(MemoryId.parse(f[3]), f);
                case "J" -> journals.computeIfAbsent(UserId.of(f[2]), k -> new ArrayList<>()).add(f[3]);
                case "E" -> {
                    if (Long.parseLong(f[1]) > truncated) ackedEvents.add(f[2] + " " + f[1] + " " + f[3]);
                }
                default -> { }
            }
        }
        for (Map.Entry<MemoryId, String[]> e : last.entrySet()) {
            String[] f = e.getValue();
            UserId u = UserId.of(f[2]);
            List<Memory> h = s.read(u, us -> us.history(e.getKey()));
            if (f[0].equals("D")) {
                if (!h.isEmpty()) problems.add(c + "deleted memory " + e.getKey() + " of " + u + " is back");
                else ok++;
            } else {
                long v = Long.parseLong(f[4]);
                boolean deletedSince = h.isEmpty() && deleteAttempted.contains(e.getKey()) && s.read(u, us -> us.isDeleted(e.getKey()));
                if (deletedSince) {
                    ok++; // a later delete was written (its acknowledgment may not have been printed before the kill)
                } else if (h.size() < v || h.get((int) v - 1).content().hashCode() != Integer.parseInt(f[5])) {
                    long lsn = Long.parseLong(f[1]);
                    // What else of the same WAL record survived tells a lost record from a lost put.
                    List<String> sameRecord = acks.stream().filter(g -> !g[0].equals("X") && g[1].equals(f[1])).map(g -> String.join(" ", g))
                            .toList();
                    boolean deleted = s.read(u, us -> us.isDeleted(e.getKey()));
                    problems.add(c + "acknowledged version " + v + " of " + e.getKey() + " (LSN " + lsn + ") missing or altered: " + h.size()
                            + " versions (deleted " + deleted + ", delete attempted " + deleteAttempted.contains(e.getKey())
                            + "; acknowledged with it: " + sameRecord + ")");
                } else {
                    ok++;
                }
            }
        }
        for (int t = 0; t < maxThreads; t++) {
            for (int i = 0; i < USERS_PER_THREAD; i++) {
                UserId u = user(t, i);
                List<String> journal = s.read(u, us -> us.journal().stream().map(j -> new String(j.payload(), StandardCharsets.US_ASCII)).toList());
                List<String> before = base.journal.getOrDefault(u, List.of());
                if (journal.size() < before.size() || !journal.subList(0, before.size()).equals(before)) {
                    problems.add(c + "journal of " + u + " lost entries it had before");
                }
                Set<String> seen = new HashSet<>();
                for (String j : journal) if (!seen.add(j)) problems.add(c + "journal entry " + j + " of " + u + " duplicated");
                for (String j : journals.getOrDefault(u, List.of())) {
                    if (!seen.contains(j)) problems.add(c + "acknowledged journal entry " + j + " of " + u + " missing");
                    else ok++;
                }
                for (MemoryId id : s.read(u, UserStore::liveIds)) {
                    if (base.deleted.contains(id)) problems.add(c + "memory " + id + " deleted in an earlier cycle is back");
                    List<Memory> h = s.read(u, us -> us.history(id));
                    for (int v = 0; v < h.size(); v++) {
                        if (h.get(v).version() != v + 1) problems.add(c + "versions of " + id + " are not 1..n: " + h.size());
                    }
                    List<Memory> old = base.histories.get(id);
                    if (old != null && (h.size() < old.size() || !h.subList(0, old.size()).equals(old))) {
                        problems.add(c + "history of " + id + " lost versions");
                    }
                }
                boolean same = s.read(u, us -> {
                    try {
                        return us.derivedStateMatchesRebuild();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                if (!same) problems.add(c + "rebuilt derived state of " + u + " differs from the live one");
            }
        }
        Set<String> replayed = new HashSet<>();
        long previous = 0;
        for (StoreWorkload.SeenEvent e : sink.seen) {
            String payload = new String(HexFormat.of().parseHex(e.payload()), StandardCharsets.US_ASCII);
            replayed.add(e.user() + " " + e.lsn() + " " + payload);
            if (e.lsn() <= truncated) problems.add(c + "event at LSN " + e.lsn() + " replayed though checkpointed (" + truncated + ")");
            if (e.lsn() < previous) problems.add(c + "events replayed out of order");
            previous = e.lsn();
            if (!payload.startsWith("e" + runId + ":")) problems.add(c + "replayed event " + payload + " is not of this run");
        }
        for (String e : ackedEvents) {
            if (!replayed.contains(e)) problems.add(c + "acknowledged event " + e + " not replayed");
            else ok++;
        }
        return ok;
    }

    private static Baseline baseline(MemoryStore s, int maxThreads) throws IOException {
        Baseline b = new Baseline();
        for (int t = 0; t < maxThreads; t++) {
            for (int i = 0; i < USERS_PER_THREAD; i++) {
                UserId u = user(t, i);
                b.journal.put(u, s.read(u, us -> us.journal().stream().map(j -> new String(j.payload(), StandardCharsets.US_ASCII)).toList()));
                for (MemoryId id : s.read(u, UserStore::liveIds)) b.histories.put(id, s.read(u, us -> us.history(id)));
            }
        }
        return b;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        deleteTree(to);
        try (java.util.stream.Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    try {
                        Files.copy(p, target);
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // nothing runs on the directory now; a vanished file cannot happen, but is not evidence either
                    }
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static List<String> childCommand(Path dir, long runId, int threads) {
        return ChildJvm.command(MemoryStoreCrashHarness.class, "256m", "child", dir.toString(), Long.toString(runId), Integer.toString(threads));
    }
}
