package dev.engram.bench.hnsw;

import dev.engram.bench.BenchEnv;
import dev.engram.bench.data.Dataset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The suite's side of one {@link Worker} JVM: starts it with the project's JVM flags, waits for
 * its build and recall sweep ({@code ROW} lines, then {@code READY}), and asks it for throughput
 * measurements. Not thread-safe; used from the suite's main thread.
 */
final class WorkerProcess implements AutoCloseable {
    private final String lib;
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final List<Map<String, String>> rows = new ArrayList<>();

    private WorkerProcess(String lib, Process process) {
        this.lib = lib;
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts the worker; {@link #awaitReady()} waits for its build and recall sweep. */
    static WorkerProcess start(String lib, Dataset d, int n, Path gt, String gtKey, Path fgt, String fgtKey, boolean quick)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add(System.getenv().getOrDefault("ENGRAM_BENCH_WORKER_HEAP", "-Xmx6g"));
        cmd.addAll(List.of(BenchEnv.jvmFlags()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Worker.class.getName(), lib, d.file().toString(), d.key(),
                Integer.toString(n), gt.toString(), gtKey, fgt.toString(), fgtKey, Boolean.toString(quick)));
        return new WorkerProcess(lib, new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** Waits until the worker has built its index and swept recall; closes it and throws if it died. */
    WorkerProcess awaitReady() throws IOException {
        WorkerProcess w = this;
        for (String line; (line = w.out.readLine()) != null; ) {
            if (line.equals("READY")) return w;
            if (line.startsWith("ROW ")) {
                Map<String, String> row = new LinkedHashMap<>();
                for (String kv : line.substring(4).split(" ")) {
                    int eq = kv.indexOf('=');
                    row.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                w.rows.add(row);
            } else if (!line.isBlank()) {
                System.out.println("  [" + lib + "] " + line);
            }
        }
        w.close();
        throw new IOException(lib + " worker ended before it was ready (exit " + w.process.exitValue() + "), see its output above");
    }

    String lib() {
        return lib;
    }

    /** The worker's variants (one, or two for engram: HNSW and exact), as measured so far. */
    List<Map<String, String>> rows() {
        return rows;
    }

    /** Median ops/s of one JMH measurement in the worker. */
    double run(String variant, int ef, int threads, boolean filtered) throws IOException {
        in.println("RUN " + variant + " " + ef + " " + threads + " " + filtered);
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("QPS ")) return Double.parseDouble(line.substring(4));
            if (!line.isBlank()) System.out.println("  [" + lib + "] " + line);
        }
        throw new IOException(lib + " worker died during a measurement, see its output above");
    }

    @Override
    public void close() {
        in.println("END");
        in.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroy();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
        }
    }
}
