package dev.engram.bench.store;

import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.Source;
import dev.engram.memory.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Seeded memories that look like what extraction produces: 6-30 words drawn Zipf-like from a
 * 2,000-word vocabulary (generated letter strings, or English words with {@link #english}), a type, 0-3 of 24 categories, importance, a source (session,
 * turns, extractor, model), one or two metadata entries, and a 384-d unit embedding (random
 * direction: realistic in size and cost, not in geometry). Not thread-safe; one per thread.
 */
public final class MemoryGenerator {
    static final int DIMENSION = 384;
    private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] CATEGORIES = {"food", "travel", "work", "family", "health", "music", "sport", "books",
        "pets", "tech", "finance", "home", "hobby", "school", "friends", "movies", "garden", "cars", "fashion", "games",
        "language", "religion", "weather", "shopping"};
    private static final MemoryType[] TYPES = MemoryType.values();

    private final Random random;
    private final MemoryId.Generator ids;
    private final String[] vocabulary;
    private final double[] cumulative;
    private long clock;

    public MemoryGenerator(long seed) {
        this(seed, LETTERS);
    }

    /**
     * Draws from an English vocabulary instead: the 2,000 first whole words of lowercase letters in
     * the default embedding model's WordPiece vocabulary (BERT's vocabulary lists whole words
     * roughly by corpus frequency: "the", "of", "and", "in", …), so the Zipf ranks follow English
     * and a word is one token to the embedder, as in real text. The letter vocabulary's words split
     * into several word pieces each (a 5-word query ≈ 20 tokens; English ≈ 7).
     */
    public static MemoryGenerator english(long seed) {
        return new MemoryGenerator(seed, EnglishWords.FIRST_2000);
    }

    private MemoryGenerator(long seed, String[] words) {
        random = new Random(seed);
        ids = new MemoryId.Generator(new Random(seed ^ 0x5DEECE66DL));
        vocabulary = words;
        cumulative = new double[vocabulary.length];
        double sum = 0;
        for (int i = 0; i < vocabulary.length; i++) cumulative[i] = sum += 1.0 / (i + 1);
        for (int i = 0; i < vocabulary.length; i++) cumulative[i] /= sum;
    }

    /** The generated vocabulary of the default constructor: 2,000 random letter strings of 2-10 letters. */
    private static final String[] LETTERS = letters();

    private static String[] letters() {
        String[] vocabulary = new String[2000];
        String letters = "abcdefghijklmnopqrstuvwxyz";
        Random words = new Random(7); // the same vocabulary for every seed
        for (int i = 0; i < vocabulary.length; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 2 + words.nextInt(9);
            for (int j = 0; j < n; j++) sb.append(letters.charAt(words.nextInt(letters.length())));
            vocabulary[i] = sb.toString();
        }
        return vocabulary;
    }

    /** Loaded on first use of {@link #english}. */
    private static final class EnglishWords {
        static final String[] FIRST_2000 = load(2000);

        private static String[] load(int count) {
            String resource = dev.engram.extraction.embed.EmbeddingModel.defaultModel().tokenizerResource();
            try (java.io.InputStream in = MemoryGenerator.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("tokenizer resource " + resource + " not on the classpath");
                var vocab = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).path("model").path("vocab");
                String[] byId = new String[vocab.size()];
                vocab.properties().forEach(e -> {
                    int id = e.getValue().asInt();
                    if (id >= 0 && id < byId.length) byId[id] = e.getKey();
                });
                java.util.List<String> out = new java.util.ArrayList<>(count);
                for (String w : byId) {
                    if (w != null && w.length() >= 2 && w.chars().allMatch(c -> c >= 'a' && c <= 'z')) out.add(w);
                    if (out.size() == count) break;
                }
                if (out.size() < count) throw new IllegalStateException("only " + out.size() + " whole words in " + resource);
                return out.toArray(String[]::new);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    public String text(int minWords, int maxWords) {
        int n = minWords + random.nextInt(maxWords - minWords + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(' ');
            int w = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
            sb.append(vocabulary[Math.min(vocabulary.length - 1, w < 0 ? -w - 1 : w)]);
        }
        return sb.toString();
    }

    public Memory memory(UserId user) {
        Instant t = BASE.plusSeconds(clock += 1 + random.nextInt(600));
        Set<String> categories = new TreeSet<>();
        for (int i = random.nextInt(4); i > 0; i--) categories.add(CATEGORIES[random.nextInt(CATEGORIES.length)]);
        return Memory.builder()
                .id(ids.next(t.toEpochMilli()))
                .user(user)
                .content(text(6, 30))
                .type(TYPES[random.nextInt(TYPES.length)])
                .status(MemoryStatus.ACTIVE)
                .categories(categories)
                .importance(random.nextDouble())
                .metadata(random.nextBoolean() ? Map.of("lang", "en") : Map.of("lang", "en", "channel", "chat"))
                .source(new Source("s-" + random.nextInt(1_000_000), List.of("t" + random.nextInt(1000)), "rules-1", "bge-small-en-v1.5"))
                .createdAt(t).updatedAt(t).validFrom(t)
                .embeddingModelId("bge-small-en-v1.5")
                .build();
    }

    /** A random unit vector of {@value #DIMENSION} components. */
    public float[] embedding() {
        float[] v = new float[DIMENSION];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            sum += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < v.length; i++) v[i] *= inv;
        return v;
    }

    Random random() {
        return random;
    }
}
