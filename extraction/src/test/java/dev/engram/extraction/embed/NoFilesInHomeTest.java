package dev.engram.extraction.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Loading and running a model writes nothing under the home directory: no ONNX Runtime telemetry
 * (device ids, queued usage events, as 1.29 writes), no model or tokenizer cache.
 *
 * <p>The home directory is shared with other processes on a build machine, so only new entries
 * whose names point at what we run are failures; other new entries are printed.
 */
class NoFilesInHomeTest {
    private static final Pattern OURS = Pattern.compile("(?i).*(onnx|ort|djl|tokeniz|hugging|langchain|bge|minilm|engram).*");

    static Set<String> snapshot(Path home) throws IOException {
        Set<String> entries = new TreeSet<>();
        if (!Files.isDirectory(home)) return entries;
        try (Stream<Path> walk = Files.walk(home, 3)) {
            walk.filter(p -> !p.startsWith(home.resolve(".m2"))).forEach(p -> entries.add(home.relativize(p).toString()));
        } catch (java.io.UncheckedIOException e) {
            // Another process removed an entry while we walked; the snapshot is still useful.
        }
        return entries;
    }

    @Test
    void embeddingWritesNothingUnderHome() throws IOException {
        Path home = Path.of(System.getProperty("user.home"));
        Path envHome = System.getenv("HOME") == null ? home : Path.of(System.getenv("HOME"));
        Set<String> before = snapshot(home);
        Set<String> beforeEnv = snapshot(envHome);
        try (OnnxEmbedder e = OnnxEmbedder.load(EmbeddingModel.BGE_SMALL_EN_V15_Q, EmbedderOptions.builder().threads(1).build())) {
            assertEquals(384, e.embedBatch(java.util.List.of("hello", "a second text about tea")).get(1).length);
            e.embedQuery("what tea do I like?");
        }
        Set<String> added = new TreeSet<>(snapshot(home));
        added.removeAll(before);
        Set<String> addedEnv = new TreeSet<>(snapshot(envHome));
        addedEnv.removeAll(beforeEnv);
        added.addAll(addedEnv);
        if (!added.isEmpty()) System.out.println("new entries under home during the test (other processes?): " + added);
        Set<String> suspicious = new TreeSet<>();
        for (String s : added) if (OURS.matcher(s).matches()) suspicious.add(s);
        assertTrue(suspicious.isEmpty(), "embedding wrote under the home directory: " + suspicious);
    }
}
