package dev.engram.internal.pipeline;

import dev.engram.testkit.ChildJvm;
import dev.engram.Engram;
import dev.engram.EngramOptions;
import dev.engram.IngestRequest;
import dev.engram.IngestionStatus;
import dev.engram.ListRequest;
import dev.engram.Message;
import dev.engram.RetrieveRequest;
import dev.engram.extraction.embed.Embedder;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A real crash test of ingestion: a child JVM runs {@link Engram} on disk (SYNC) with several
 * threads ingesting turns and prints one line per acknowledged ingestion; the parent kills it with
 * SIGKILL at a random moment (extraction is usually mid-flight), reopens the data directory and
 * checks that every acknowledged ingestion is applied — and applied exactly once: exactly one
 * outcome note per ingestion in the user's journal, memory versions 1..n without gaps, never two
 * ACTIVE memories for one slot.
 *
 * <p>{@code main("loop", cycles, dir, seed)} runs the loop ({@code HARNESS=ingest scripts/engine-crash-loop.sh});
 * {@code main("child", dir, runId, threads)} is the child.
 */
public final class EngramCrashHarness {
    public record Summary(int cycles, long acked, long verified, List<String> problems) {}

    private static final String[] PETS = {"cat", "dog", "parrot", "hamster", "rabbit", "turtle"};
    private static final String[] CITIES = {"Paris", "Lisbon", "Oslo", "Denver", "Osaka", "Utrecht", "Porto"};

    private EngramCrashHarness() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("child")) {
            child(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
        } else if (args.length == 4 && args[0].equals("loop")) {
            Path dir = Path.of(args[2]);
            java.nio.file.Files.createDirectories(dir.getParent());
            try (var embedder = dev.engram.extraction.embed.OnnxEmbedder.load(dev.engram.extraction.embed.EmbeddingModel.defaultModel())) {
                Summary s = loop(Integer.parseInt(args[1]), dir, Long.decode(args[3]), embedder, System.out);
                System.out.println("SUMMARY " + s);
                System.exit(s.problems().isEmpty() ? 0 : 1);
            }
        } else {
            System.err.println("usage: EngramCrashHarness loop CYCLES DIR SEED | child DIR RUN_ID THREADS");
            System.exit(2);
        }
    }

    private static void child(Path dir, long runId, int threads) throws Exception {
        Engram engram = Engram.builder(dir).open();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        synchronized (out) {
            out.println("START");
            out.flush();
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                Random r = new Random(runId * 31 + thread);
                for (long seq = 0; ; seq++) {
                    UserId u = UserId.of("k" + thread + "-" + r.nextInt(3));
                    String text = r.nextBoolean()
                            ? "I have a " + PETS[r.nextInt(PETS.length)] + " named N" + runId + "x" + thread + "x" + seq + "."
                            : "I live in " + CITIES[r.nextInt(CITIES.length)] + ".";
                    String id = engram.ingest(IngestRequest.of(u, "s" + thread, List.of(Message.user(text)))).ingestionId();
                    synchronized (out) {
                        out.println("A " + u + " " + id);
                        out.flush();
                    }
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE); // until killed
    }

    /** Runs {@code cycles} kill-and-verify cycles on the data directory {@code dir}. */
    public static Summary loop(int cycles, Path dir, long seed, Embedder embedder, PrintStream log) throws Exception {
        Random random = new Random(seed);
        List<String> problems = new ArrayList<>();
        Map<String, UserId> everAcked = new LinkedHashMap<>();
        long verified = 0;
        for (int cycle = 0; cycle < cycles && problems.isEmpty(); cycle++) {
            long runId = random.nextLong() & 0xFFFFFFL;
            int threads = 1 + random.nextInt(3);
            long delayMs = 100 + random.nextInt(1500);
            Path err = dir.resolveSibling(dir.getFileName() + "-child.err");
            ChildJvm.Run child = ChildJvm.Run.start(childCommand(dir, runId, threads), err);
            child.awaitLines(2, java.time.Duration.ofSeconds(120)); // START + one acknowledgment
            Thread.sleep(delayMs);
            List<String> lines = child.kill();
            int acked = 0;
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f.length == 3 && f[0].equals("A")) {
                    everAcked.put(f[2], UserId.of(f[1]));
                    acked++;
                }
            }
            verified = verify(dir, embedder, everAcked, problems); // every acknowledged ingestion so far, again
            log.printf("cycle %d: threads=%d kill after %d ms, %d acknowledged, %d verified in all, problems=%d%n",
                    cycle, threads, delayMs, acked, everAcked.size(), problems.size());
        }
        return new Summary(cycles, everAcked.size(), verified, problems);
    }

    private static long verify(Path dir, Embedder embedder, Map<String, UserId> acked, List<String> problems) throws IOException {
        EngramOptions options = Engram.builder(dir).embedder(embedder).consistencyTimeout(Duration.ofMinutes(2)).build();
        List<UserId> users = acked.values().stream().distinct().toList();
        try (Engram e = Engram.open(options)) {
            for (UserId u : users) e.retrieve(RetrieveRequest.of(u, "anything").sessionConsistent());
            for (Map.Entry<String, UserId> a : acked.entrySet()) {
                IngestionStatus s;
                try {
                    s = e.ingestion(a.getValue(), a.getKey());
                } catch (RuntimeException x) {
                    problems.add("acknowledged ingestion " + a.getKey() + " of " + a.getValue() + " is unknown: " + x);
                    continue;
                }
                if (s.state() != IngestionStatus.State.APPLIED) problems.add("ingestion " + a.getKey() + " is " + s.state());
            }
            for (UserId u : users) {
                Map<String, String> slots = new HashMap<>();
                for (MemoryStatus st : MemoryStatus.values()) {
                    if (st == MemoryStatus.DELETED) continue;
                    for (Memory m : e.list(ListRequest.of(u).status(st).limit(1000)).memories()) {
                        List<Memory> h = e.history(u, m.id());
                        for (int i = 0; i < h.size(); i++) {
                            if (h.get(i).version() != i + 1) problems.add("versions of " + m.id() + " are " + h.stream().map(Memory::version).toList());
                        }
                        String slot = m.metadata().get(Reconciler.SLOT);
                        if (st == MemoryStatus.ACTIVE && slot != null && slots.put(slot, m.content()) != null) {
                            problems.add("two ACTIVE memories for slot " + slot + " of " + u);
                        }
                    }
                }
            }
        }
        long count = 0;
        try (StoreAccess store = StoreAccesses.open(options, new ReplaySink())) {
            for (UserId u : users) {
                Map<String, Integer> notes = new HashMap<>();
                for (byte[] n : store.journal(u)) {
                    IngestionCodec.Note note = IngestionCodec.readNote(n);
                    if (note != null) notes.merge(note.id(), 1, Integer::sum);
                }
                notes.forEach((id, c) -> {
                    if (c != 1) problems.add("ingestion " + id + " of " + u + " has " + c + " outcome notes");
                });
                for (Map.Entry<String, UserId> a : acked.entrySet()) {
                    if (a.getValue().equals(u)) {
                        if (notes.containsKey(a.getKey())) count++;
                        else problems.add("no outcome note for acknowledged ingestion " + a.getKey());
                    }
                }
            }
        }
        return count;
    }

    private static List<String> childCommand(Path dir, long runId, int threads) {
        return ChildJvm.command(EngramCrashHarness.class, "512m", "child", dir.toString(), Long.toString(runId), Integer.toString(threads));
    }

}
