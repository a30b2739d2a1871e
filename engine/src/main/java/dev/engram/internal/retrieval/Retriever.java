package dev.engram.internal.retrieval;

import dev.engram.internal.store.UserStore;
import dev.engram.memory.Memory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.roaringbitmap.RoaringBitmap;

/**
 * Hybrid retrieval over one user's store: vector and BM25 candidates, pre-filtered by the
 * attribute bitmaps, checked against the remaining filters, fused, re-scored with recency,
 * importance and type weights, optionally diversified (MMR), and packed into a token budget.
 * docs/retrieval.md describes every step and the defaults.
 *
 * <p>Thread-safe and stateless apart from its immutable configuration; the store does its own locking.
 */
public final class Retriever {
    private final RetrievalConfig config;

    public Retriever(RetrievalConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public RetrievalConfig config() {
        return config;
    }

    /** One candidate version while it is being scored. */
    private static final class Candidate {
        final Memory memory;
        final int ordinal;
        double lexical = Double.NaN;
        double vector = Double.NaN;
        int lexicalRank;
        int vectorRank;

        Candidate(Memory memory, int ordinal) {
            this.memory = memory;
            this.ordinal = ordinal;
        }
    }

    /**
     * Ranks the user's memories for a query and packs them. {@code queryVector} may be null (lexical
     * only); otherwise it must have the store's dimension ({@link dev.engram.memory.ValidationException} if not).
     */
    public RetrievalResult retrieve(UserStore store, RetrievalQuery query, float[] queryVector) {
        return retrievePending(store, query, queryVector == null ? null : () -> queryVector);
    }

    /**
     * As {@link #retrieve(UserStore, RetrievalQuery, float[])}, with the query vector asked for
     * only after the lexical side has run ({@code null}: lexical only), so that a vector still
     * being computed ({@link QueryEmbeddings}) overlaps with the BM25 search.
     */
    public RetrievalResult retrievePending(UserStore store, RetrievalQuery query, Supplier<float[]> vector) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(query, "query");
        RoaringBitmap accept = store.withBitmaps(b -> CandidateFilter.acceptSet(b, query));
        if (accept.isEmpty()) return RetrievalResult.empty();
        int pool = Math.max(config.candidates(), query.limit());
        // Metadata is checked per candidate after the search: look deeper so a selective filter still fills the result.
        if (!query.filters().metadata().isEmpty()) pool = (int) Math.min(Integer.MAX_VALUE, 4L * pool);
        pool = (int) Math.min(pool, accept.getLongCardinality()); // a huge limit must not size the searches' heaps
        String lexicalText = QueryWords.strip(query.text(), config.queryStopWords());
        boolean lexicalSide = !lexicalText.isBlank();
        List<UserStore.Hit> lexHits = lexicalSide ? store.searchLexical(lexicalText, pool, accept) : List.of();
        float[] queryVector = vector == null ? null : vector.get();
        boolean vectorSide = queryVector != null;
        List<UserStore.Hit> vecHits = vectorSide ? store.vectorSearch(queryVector, pool, accept, query.asOf() != null) : List.of();

        Map<Integer, Candidate> byOrdinal = new LinkedHashMap<>();
        for (int i = 0; i < vecHits.size(); i++) {
            UserStore.Hit h = vecHits.get(i);
            Candidate c = byOrdinal.computeIfAbsent(h.ordinal(), o -> new Candidate(h.memory(), o));
            c.vector = h.score();
            c.vectorRank = i + 1;
        }
        for (int i = 0; i < lexHits.size(); i++) {
            UserStore.Hit h = lexHits.get(i);
            Candidate c = byOrdinal.computeIfAbsent(h.ordinal(), o -> new Candidate(h.memory(), o));
            c.lexical = h.score();
            c.lexicalRank = i + 1;
        }
        byOrdinal.values().removeIf(c -> !CandidateFilter.accepts(store, c.memory, query));
        if (byOrdinal.isEmpty()) return RetrievalResult.empty();
        List<Candidate> candidates = new ArrayList<>(byOrdinal.values());
        if (config.completeScores()) complete(store, lexicalText, queryVector, candidates, lexicalSide);

        boolean lexActive = !lexHits.isEmpty();
        boolean vecActive = !vecHits.isEmpty();
        double[] lexNorm = normalize(candidates, true);
        double[] vecNorm = normalize(candidates, false);
        double activeWeight = (lexActive ? config.lexicalWeight() : 0) + (vecActive ? config.vectorWeight() : 0);
        double halfLifeSeconds = config.recencyHalfLife().toMillis() / 1000.0;

        List<ScoredMemory> scored = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            double relevance;
            if (activeWeight == 0) {
                relevance = 0;
            } else if (config.fusion() == Fusion.WEIGHTED) {
                relevance = ((lexActive ? config.lexicalWeight() * lexNorm[i] : 0) + (vecActive ? config.vectorWeight() * vecNorm[i] : 0))
                        / activeWeight;
            } else {
                double best = (lexActive ? config.lexicalWeight() : 0) / (config.rrfK() + 1.0)
                        + (vecActive ? config.vectorWeight() : 0) / (config.rrfK() + 1.0);
                double sum = (c.lexicalRank > 0 ? config.lexicalWeight() / (config.rrfK() + (double) c.lexicalRank) : 0)
                        + (c.vectorRank > 0 ? config.vectorWeight() / (config.rrfK() + (double) c.vectorRank) : 0);
                relevance = sum / best;
            }
            Memory m = c.memory;
            double recency = recency(m, query.now(), halfLifeSeconds);
            double type = config.typeWeight(m.type());
            double score = type * (relevance + config.recencyWeight() * recency + config.importanceWeight() * m.importance());
            ScoreParts parts = new ScoreParts(vecNorm[i], lexNorm[i], relevance, recency, m.importance(), type);
            scored.add(new ScoredMemory(m, score, parts, TokenEstimator.estimate(m.content())));
        }
        Integer[] order = new Integer[scored.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Comparator<Integer> byScore = Comparator.comparingDouble((Integer i) -> -scored.get(i).score())
                .thenComparingDouble(i -> -scored.get(i).memory().importance())
                .thenComparingDouble(i -> -scored.get(i).parts().recency())
                .thenComparingInt(i -> candidates.get(i).ordinal);
        java.util.Arrays.sort(order, byScore);
        List<ScoredMemory> ranked = new ArrayList<>(order.length);
        List<float[]> rankedEmbeddings = query.mmr() ? new ArrayList<>(order.length) : null; // MMR's only
        for (int i : order) {
            ranked.add(scored.get(i));
            if (rankedEmbeddings != null) rankedEmbeddings.add(store.embedding(candidates.get(i).ordinal));
        }
        List<ScoredMemory> packed = query.mmr()
                ? Packer.packMmr(ranked, rankedEmbeddings, config.mmrLambda(), query.limit(), query.tokenBudget())
                : Packer.pack(ranked, query.limit(), query.tokenBudget());
        int total = packed.stream().mapToInt(ScoredMemory::tokens).sum();
        return new RetrievalResult(packed, total, candidates.size());
    }

    /**
     * Gives every candidate a score on both sides: the cosine from its stored embedding for one
     * that only BM25 found (none if it has no live embedding), the BM25 score for one that only the
     * vector side found (0 when no query term occurs in it).
     */
    private static void complete(UserStore store, String lexicalText, float[] queryVector, List<Candidate> candidates,
            boolean lexicalSide) {
        RoaringBitmap missingLexical = new RoaringBitmap();
        Map<Integer, Candidate> byOrdinal = new LinkedHashMap<>();
        int[] missingVector = new int[candidates.size()];
        int m = 0;
        for (Candidate c : candidates) {
            byOrdinal.put(c.ordinal, c);
            if (queryVector != null && Double.isNaN(c.vector)) missingVector[m++] = c.ordinal;
            if (lexicalSide && Double.isNaN(c.lexical)) {
                missingLexical.add(c.ordinal);
                c.lexical = 0;
            }
        }
        if (m > 0) {
            float[] scores = store.vectorScores(queryVector, missingVector, m);
            for (int i = 0; i < m; i++) {
                if (!Float.isNaN(scores[i])) byOrdinal.get(missingVector[i]).vector = scores[i];
            }
        }
        if (!missingLexical.isEmpty()) {
            for (UserStore.Hit h : store.searchLexical(lexicalText, missingLexical.getCardinality(), missingLexical)) {
                Candidate c = byOrdinal.get(h.ordinal());
                if (c != null) c.lexical = h.score();
            }
        }
    }

    /** Min-max normalization of one side over the candidates that have a score on it; 0 for the others. */
    private static double[] normalize(List<Candidate> candidates, boolean lexical) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (Candidate c : candidates) {
            double v = lexical ? c.lexical : c.vector;
            if (Double.isNaN(v)) continue;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double[] out = new double[candidates.size()];
        for (int i = 0; i < out.length; i++) {
            double v = lexical ? candidates.get(i).lexical : candidates.get(i).vector;
            if (Double.isNaN(v)) continue;
            out[i] = max > min ? (v - min) / (max - min) : (max > 0 ? 1 : 0);
        }
        return out;
    }

    /** 0.5^(age / half-life), age from eventTime (else updatedAt) to now; 1 for a future time. */
    static double recency(Memory m, Instant now, double halfLifeSeconds) {
        Instant t = m.eventTime() != null ? m.eventTime() : m.updatedAt();
        double age = Math.max(0, Duration.between(t, now).toMillis() / 1000.0);
        return Math.pow(0.5, age / halfLifeSeconds);
    }
}
