package dev.engram.wal;

import dev.engram.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A real crash test: a child JVM appends in SYNC mode from several threads and prints one line per
 * acknowledgment; the parent kills it with SIGKILL at a random moment (sometimes before it even
 * finished recovery), then opens the log itself and checks that every acknowledged record is there,
 * at its LSN, unaltered, and that each thread's records are in order.
 *
 * <p>{@code main("loop", cycles, dir, seed)} runs the loop and prints a summary (used by
 * {@code scripts/wal-crash-loop.sh}); {@code main("child", dir, runId, threads)} is the child.
 */
public final class CrashHarness {
    /** What a loop of crash cycles found. */
    public record Summary(int cycles, long acked, long verified, long lost, int tornTails, int earlyKills,
                          long millis, List<String> problems) {
        @Override
        public String toString() {
            return String.format("cycles=%d acked=%d verified=%d lost=%d torn_tails=%d kills_before_first_ack=%d elapsed=%.1fs%s",
                    cycles, acked, verified, lost, tornTails, earlyKills, millis / 1000.0,
                    problems.isEmpty() ? "" : " problems=" + problems.size());
        }
    }

    private CrashHarness() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("child")) {
            child(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
        } else if (args.length == 4 && args[0].equals("loop")) {
            Path dir = Path.of(args[2]);
            Files.createDirectories(dir);
            Summary s = loop(Integer.parseInt(args[1]), dir, Long.decode(args[3]), System.out);
            System.out.println("SUMMARY " + s);
            System.exit(s.lost() == 0 && s.problems().isEmpty() ? 0 : 1);
        } else {
            System.err.println("usage: CrashHarness loop CYCLES DIR SEED | child DIR RUN_ID THREADS");
            System.exit(2);
        }
    }

    /** The payload of record {@code seq} of {@code thread} in run {@code runId}: identity, then derived bytes. */
    static byte[] payload(long runId, int thread, long seq) {
        Random r = new Random(runId * 1_000_003L + thread * 7_919L + seq);
        byte[] p = new byte[20 + r.nextInt(600)];
        r.nextBytes(p);
        ByteBuffer.wrap(p).putLong(runId).putInt(thread).putLong(seq);
        return p;
    }

    private static void child(Path dir, long runId, int threads) throws Exception {
        WalOptions options = WalOptions.builder(dir).segmentSize(256 << 10).maxRecordSize(1024).build();
        Wal wal = Wal.open(options);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        synchronized (out) {
            out.println("START " + (wal.lastLsn() + 1));
            out.flush();
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                for (long seq = 0; ; seq++) {
                    long lsn = wal.append(thread, payload(runId, thread, seq));
                    synchronized (out) {
                        out.println("A " + lsn + " " + thread + " " + seq);
                        out.flush();
                    }
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE); // until killed
    }

    /** Runs {@code cycles} kill-and-verify cycles on the log in {@code dir}. */
    public static Summary loop(int cycles, Path dir, long seed, PrintStream log) throws Exception {
        Random random = new Random(seed);
        long t0 = System.nanoTime();
        long acked = 0, verified = 0, lost = 0;
        int torn = 0, early = 0;
        List<String> problems = new ArrayList<>();
        for (int cycle = 0; cycle < cycles; cycle++) {
            long runId = random.nextLong() & Long.MAX_VALUE;
            boolean killEarly = random.nextInt(5) == 0;
            long delayMs = killEarly ? random.nextInt(600) : random.nextInt(250);
            Process p = new ProcessBuilder(childCommand(dir, runId, 1 + random.nextInt(8)))
                    .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolveSibling(dir.getFileName() + "-child.err").toFile()))
                    .start();
            List<String> lines = new ArrayList<>();
            Object firstAck = new Object();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                        if (line.startsWith("A ")) {
                            synchronized (firstAck) {
                                firstAck.notifyAll();
                            }
                        }
                    }
                } catch (IOException e) {
                    // The child was killed mid-line; what was read is kept.
                }
            });
            if (!killEarly) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                synchronized (firstAck) {
                    while (System.nanoTime() < deadline && p.isAlive() && !hasAck(lines)) firstAck.wait(50);
                }
                if (!hasAck(lines)) problems.add("cycle " + cycle + ": child never acknowledged (exit " + (p.isAlive() ? "alive" : p.exitValue()) + ")");
            }
            Thread.sleep(delayMs);
            if (!hasAck(lines)) early++;
            p.destroyForcibly(); // SIGKILL on POSIX
            p.waitFor();
            reader.join();
            long start = -1;
            Map<Long, long[]> acks = new HashMap<>();
            synchronized (lines) {
                for (String line : lines) {
                    String[] f = line.split(" ");
                    if (f[0].equals("START") && f.length == 2) start = Long.parseLong(f[1]);
                    if (f[0].equals("A") && f.length == 4) acks.put(Long.parseLong(f[1]), new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                }
            }
            acked += acks.size();
            try (Wal wal = Wal.open(WalOptions.builder(dir).segmentSize(256 << 10).maxRecordSize(1024).build())) {
                if (!wal.recoveryReport().clean()) torn++;
                Map<Long, WalRecord> found = new HashMap<>();
                if (start > 0 && start <= wal.lastLsn()) {
                    Map<Integer, Long> lastSeq = new HashMap<>();
                    try (WalReader r = wal.reader(start)) {
                        while (r.hasNext()) {
                            WalRecord rec = r.next();
                            found.put(rec.lsn(), rec);
                            ByteBuffer b = ByteBuffer.wrap(rec.payload());
                            long rid = b.getLong();
                            int thread = b.getInt();
                            long seq = b.getLong();
                            if (rid != runId || !Arrays.equals(rec.payload(), payload(runId, thread, seq))) {
                                problems.add("cycle " + cycle + ": altered record at LSN " + rec.lsn());
                            }
                            Long prev = lastSeq.put(thread, seq);
                            if (seq != (prev == null ? 0 : prev + 1)) problems.add("cycle " + cycle + ": thread " + thread + " out of order at LSN " + rec.lsn());
                        }
                    }
                }
                for (var e : acks.entrySet()) {
                    WalRecord rec = found.get(e.getKey());
                    int thread = (int) e.getValue()[0];
                    if (rec != null && Arrays.equals(rec.payload(), payload(runId, thread, e.getValue()[1]))) {
                        verified++;
                    } else {
                        lost++;
                        problems.add("cycle " + cycle + ": acknowledged LSN " + e.getKey() + " lost");
                    }
                }
                // Keep the log small: everything so far has been verified.
                if (wal.lastLsn() > 0) wal.checkpoint(wal.lastLsn());
            }
            if (log != null && (cycle + 1) % 10 == 0) {
                log.printf("crash cycle %d/%d: acked=%d verified=%d lost=%d%n", cycle + 1, cycles, acked, verified, lost);
            }
        }
        return new Summary(cycles, acked, verified, lost, torn, early, (System.nanoTime() - t0) / 1_000_000, problems);
    }

    private static boolean hasAck(List<String> lines) {
        synchronized (lines) {
            return lines.stream().anyMatch(l -> l.startsWith("A "));
        }
    }

    private static List<String> childCommand(Path dir, long runId, int threads) {
        return ChildJvm.command(CrashHarness.class, "128m", "child", dir.toString(), Long.toString(runId), Integer.toString(threads));
    }
}
