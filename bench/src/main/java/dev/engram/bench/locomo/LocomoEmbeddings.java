package dev.engram.bench.locomo;

import dev.engram.bench.BenchEnv;
import dev.engram.bench.data.MatrixFile;
import dev.engram.extraction.embed.Embedder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Embeddings of LoCoMo texts (turn documents, questions, extracted memories), cached on disk in
 * {@link BenchEnv#cacheDir()} as {@link MatrixFile}s keyed by the model and a SHA-256 of the texts
 * in order, so a rerun on the same data and model reads them back in milliseconds and any change
 * to the texts or the model re-embeds. Texts are embedded one at a time through
 * {@link Embedder#embed} (the int8 default's batch size is 1, so a text's vector never depends on
 * its neighbours). Not thread-safe.
 */
public final class LocomoEmbeddings {
    private final Embedder embedder;
    private final Map<String, float[]> memo = new HashMap<>();

    public LocomoEmbeddings(Embedder embedder) {
        this.embedder = embedder;
    }

    public Embedder embedder() {
        return embedder;
    }

    /**
     * Vectors for {@code texts}, in order, from the cache file named by {@code name} when it was
     * made from exactly these texts by this model, else embedded now and cached.
     */
    public float[][] embedAll(String name, List<String> texts) throws IOException {
        String key = "locomo/" + embedder.modelId() + "/" + texts.size() + "/" + fingerprint(texts);
        Path file = BenchEnv.cacheDir().resolve("locomo-" + name + "-" + embedder.modelId() + ".vec");
        float[][] vs = MatrixFile.readFloats(file, key);
        if (vs == null) {
            long t0 = System.nanoTime();
            System.out.printf(Locale.ROOT, "embedding %d %s texts with %s (cached in %s afterwards)%n", texts.size(), name,
                    embedder.modelId(), file);
            vs = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                float[] cached = memo.get(texts.get(i));
                vs[i] = cached != null ? cached : embedder.embed(texts.get(i));
                if (i > 0 && i % 500 == 0) System.out.printf(Locale.ROOT, "  %d/%d%n", i, texts.size());
            }
            MatrixFile.writeFloats(file, key, vs);
            System.out.printf(Locale.ROOT, "  embedded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        for (int i = 0; i < texts.size(); i++) memo.putIfAbsent(texts.get(i), vs[i]);
        return vs;
    }

    /** A vector for one text: from the texts embedded so far, else embedded now (not cached on disk). */
    public float[] embed(String text) {
        return memo.computeIfAbsent(text, embedder::embed);
    }

    static String fingerprint(List<String> texts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String t : texts) {
                byte[] b = t.getBytes(StandardCharsets.UTF_8);
                d.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
                d.update(b);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
