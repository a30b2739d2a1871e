package dev.engram.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of a child JVM for crash tests: this JVM's java, the project's JVM flags, its class path. */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * {@code java <flags> -Xmx<heap> -XX:TieredStopAtLevel=1 -cp <this class path> <main> <args>}. The
     * flags are the parent pom's {@code engram.jvm.flags} (passed by surefire and the scripts as a
     * system property), else the module flags this JVM was started with.
     */
    public static List<String> command(Class<?> main, String heap, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String flags = System.getProperty("engram.jvm.flags");
        if (flags != null && !flags.isBlank()) {
            cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
        } else {
            for (String arg : ProcessHandle.current().info().arguments().orElse(new String[0])) {
                if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")) cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** A started child JVM whose standard output lines a reader thread collects (stderr appended to a file). */
    public static final class Run {
        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        private Run(Process process) {
            this.process = process;
            this.reader = Thread.ofPlatform().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (IOException e) {
                    // killed mid-line: what was read is kept
                }
            });
        }

        public static Run start(List<String> command, Path stderr) throws IOException {
            return new Run(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start());
        }

        /** Waits until the child printed {@code n} lines, died, or {@code timeout} passed. */
        public void awaitLines(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && process.isAlive() && lineCount() < n) Thread.sleep(20);
        }

        public int lineCount() {
            synchronized (lines) {
                return lines.size();
            }
        }

        /** Kills the child with SIGKILL (on POSIX), waits for it and for its output to be read; returns every line. */
        public List<String> kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
            reader.join();
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }
    }
}
