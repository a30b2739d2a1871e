package dev.engram.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What every benchmark suite needs from its surroundings: the project's JVM flags (one parent-pom
 * property, written into {@code engram-jvm.flags} by resource filtering) for JMH forks, the
 * {@code --quick} switch, and a cache directory outside git for generated data sets.
 */
public final class BenchEnv {
    private BenchEnv() {}

    /** The JVM flags of the parent pom, for {@code OptionsBuilder.jvmArgsAppend}. */
    public static String[] jvmFlags() {
        try (InputStream in = BenchEnv.class.getResourceAsStream("/engram-jvm.flags")) {
            if (in == null) throw new IllegalStateException("engram-jvm.flags missing from the bench class path");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return Arrays.stream(text.split("\\s+")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the suite was started with {@code --quick}. */
    public static boolean quick(String[] args) {
        return List.of(args).contains("--quick");
    }

    /**
     * A directory for cached data sets (embeddings and the like), {@code bench/cache} by default,
     * or {@code $ENGRAM_BENCH_CACHE}. It is git-ignored.
     */
    public static Path cacheDir() {
        String env = System.getenv("ENGRAM_BENCH_CACHE");
        Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of("bench", "cache");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create benchmark cache directory " + dir, e);
        }
    }
}
