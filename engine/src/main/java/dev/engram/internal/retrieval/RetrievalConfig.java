package dev.engram.internal.retrieval;

import dev.engram.memory.MemoryType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Ranking parameters. The defaults were chosen by measurement on the LoCoMo development split
 * (docs/retrieval.md, docs/benchmarks.md).
 *
 * @param fusion           how the two candidate lists are fused
 * @param vectorWeight     weight of the vector side (WEIGHTED and RRF)
 * @param lexicalWeight    weight of the BM25 side (WEIGHTED and RRF)
 * @param rrfK             RRF's rank constant
 * @param candidates       candidates taken from each side (at least the query's limit)
 * @param completeScores   score every candidate on both sides (a BM25-only candidate gets its cosine
 *                         from its stored embedding, a vector-only one its BM25 score), instead of
 *                         treating a side that did not list it as 0
 * @param recencyWeight    weight of the recency decay (0: off)
 * @param recencyHalfLife  age at which the decay is 0.5
 * @param importanceWeight weight of the memory's importance (0: off)
 * @param typeWeights      multiplier per memory type (missing types: 1)
 * @param mmrLambda        MMR's trade-off, relevance vs. novelty, in [0, 1] (used when the query asks for MMR)
 * @param queryStopWords   words dropped from the query text before the BM25 search ({@link QueryWords}); lower case
 */
public record RetrievalConfig(Fusion fusion, double vectorWeight, double lexicalWeight, int rrfK, int candidates,
        boolean completeScores, double recencyWeight, Duration recencyHalfLife, double importanceWeight,
        Map<MemoryType, Double> typeWeights, double mmrLambda, Set<String> queryStopWords) {

    public RetrievalConfig {
        Objects.requireNonNull(fusion, "fusion");
        Objects.requireNonNull(recencyHalfLife, "recencyHalfLife");
        if (!(vectorWeight >= 0) || !(lexicalWeight >= 0) || vectorWeight + lexicalWeight <= 0) {
            throw new IllegalArgumentException("weights must be >= 0 and not both 0: vector " + vectorWeight + ", lexical " + lexicalWeight);
        }
        if (rrfK < 1) throw new IllegalArgumentException("rrfK must be >= 1, got " + rrfK);
        if (candidates < 1) throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
        if (!(recencyWeight >= 0) || !(importanceWeight >= 0)) throw new IllegalArgumentException("weights must be >= 0");
        if (recencyHalfLife.isNegative() || recencyHalfLife.isZero()) throw new IllegalArgumentException("recencyHalfLife must be positive");
        if (!(mmrLambda >= 0 && mmrLambda <= 1)) throw new IllegalArgumentException("mmrLambda must be in [0, 1], got " + mmrLambda);
        EnumMap<MemoryType, Double> w = new EnumMap<>(MemoryType.class);
        for (MemoryType t : MemoryType.values()) w.put(t, 1.0);
        if (typeWeights != null) {
            for (Map.Entry<MemoryType, Double> e : typeWeights.entrySet()) {
                if (!(e.getValue() >= 0)) throw new IllegalArgumentException("type weight of " + e.getKey() + " must be >= 0");
                w.put(e.getKey(), e.getValue());
            }
        }
        typeWeights = Map.copyOf(w);
        queryStopWords = Objects.requireNonNullElse(queryStopWords, Set.<String>of()).stream()
                .map(word -> word.toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public static RetrievalConfig defaults() {
        return new RetrievalConfig(Fusion.WEIGHTED, 0.7, 0.3, 60, 50, true, 0.0, Duration.ofDays(30), 0.05, Map.of(), 0.7,
                QueryWords.QUESTION_WORDS);
    }

    public double typeWeight(MemoryType t) {
        return typeWeights.get(t);
    }

    public RetrievalConfig withFusion(Fusion v) {
        return new RetrievalConfig(v, vectorWeight, lexicalWeight, rrfK, candidates, completeScores, recencyWeight, recencyHalfLife, importanceWeight, typeWeights, mmrLambda, queryStopWords);
    }

    public RetrievalConfig withWeights(double vector, double lexical) {
        return new RetrievalConfig(fusion, vector, lexical, rrfK, candidates, completeScores, recencyWeight, recencyHalfLife, importanceWeight, typeWeights, mmrLambda, queryStopWords);
    }

    public RetrievalConfig withCandidates(int v) {
        return new RetrievalConfig(fusion, vectorWeight, lexicalWeight, rrfK, v, completeScores, recencyWeight, recencyHalfLife, importanceWeight, typeWeights, mmrLambda, queryStopWords);
    }

    public RetrievalConfig withCompleteScores(boolean v) {
        return new RetrievalConfig(fusion, vectorWeight, lexicalWeight, rrfK, candidates, v, recencyWeight, recencyHalfLife, importanceWeight, typeWeights, mmrLambda, queryStopWords);
    }

    public RetrievalConfig withRecency(double weight, Duration halfLife) {
        return new RetrievalConfig(fusion, vectorWeight, lexicalWeight, rrfK, candidates, completeScores, weight, halfLife, importanceWeight, typeWeights, mmrLambda, queryStopWords);
    }

    public RetrievalConfig withImportanceWeight(double v) {
        return new RetrievalConfig(fusion, vectorWeight, lexicalWeight, rrfK, candidates, completeScores, recencyWeight, recencyHalfLife, v, typeWeights, mmrLambda, queryStopWords);
    }

    public RetrievalConfig withTypeWeights(Map<MemoryType, Double> v) {
        return new RetrievalConfig(fusion, vectorWeight, lexicalWeight, rrfK, candidates, completeScores, recencyWeight, recencyHalfLife, importanceWeight, v, mmrLambda, queryStopWords);
    }

    public RetrievalConfig withQueryStopWords(Set<String> v) {
        return new RetrievalConfig(fusion, vectorWeight, lexicalWeight, rrfK, candidates, completeScores, recencyWeight, recencyHalfLife, importanceWeight, typeWeights, mmrLambda, v);
    }

    public RetrievalConfig withMmrLambda(double v) {
        return new RetrievalConfig(fusion, vectorWeight, lexicalWeight, rrfK, candidates, completeScores, recencyWeight, recencyHalfLife, importanceWeight, typeWeights, v, queryStopWords);
    }
}
