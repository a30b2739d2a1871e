package dev.engram.bench.locomo;

import dev.engram.internal.lexical.LexicalIndex;
import dev.engram.internal.lexical.ScoredDoc;
import dev.engram.internal.lexical.TextAnalyzer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The README's flat baselines over raw turns, one document per turn ("speaker: text" plus the image
 * caption): BM25 (the engine's {@link LexicalIndex}: k1 1.2, b 0.75, its English analyzer), dense
 * cosine over the default embedder's vectors, and their weighted hybrid, each side min-max
 * normalized over all turns of the conversation (BM25 0 where no term matches). Not thread-safe.
 */
public final class FlatSystems {
    /** Enough ranked turns to fill the largest budget. */
    static final int RANKED = 200;

    private FlatSystems() {}

    /** Scores every turn of the conversation last ingested; the systems below rank by it. */
    abstract static class Flat implements RetrievalSystem {
        final LocomoEmbeddings embeddings;
        final TextAnalyzer analyzer;
        List<LocomoData.Turn> turns = List.of();
        float[][] vectors = new float[0][];
        LexicalIndex lexical;

        Flat(LocomoEmbeddings embeddings, TextAnalyzer analyzer) {
            this.embeddings = embeddings;
            this.analyzer = analyzer;
        }

        @Override
        public void ingest(LocomoData.Conversation c) {
            turns = c.turns();
            vectors = new float[turns.size()][];
            lexical = new LexicalIndex(analyzer);
            for (int i = 0; i < turns.size(); i++) {
                vectors[i] = embeddings.embed(turns.get(i).document());
                lexical.add(i, turns.get(i).document());
            }
        }

        double[] bm25(String query) {
            double[] s = new double[turns.size()];
            for (ScoredDoc d : lexical.search(query, turns.size(), null)) s[d.ordinal()] = d.score();
            return s;
        }

        double[] dense(String query) {
            float[] q = embeddings.embed(query);
            double[] s = new double[turns.size()];
            for (int i = 0; i < s.length; i++) s[i] = dot(q, vectors[i]);
            return s;
        }

        abstract double[] scores(String query);

        @Override
        public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q) {
            return top(scores(q.question()), turns);
        }
    }

    static final class Bm25 extends Flat {
        Bm25(LocomoEmbeddings e, TextAnalyzer a) {
            super(e, a);
        }

        @Override
        public String name() {
            return "bm25";
        }

        @Override
        double[] scores(String query) {
            return bm25(query);
        }
    }

    static final class Dense extends Flat {
        Dense(LocomoEmbeddings e, TextAnalyzer a) {
            super(e, a);
        }

        @Override
        public String name() {
            return "dense";
        }

        @Override
        double[] scores(String query) {
            return dense(query);
        }
    }

    static final class Hybrid extends Flat {
        private final double lexicalWeight;

        Hybrid(LocomoEmbeddings e, TextAnalyzer a, double lexicalWeight) {
            super(e, a);
            this.lexicalWeight = lexicalWeight;
        }

        @Override
        public String name() {
            return "hybrid";
        }

        @Override
        double[] scores(String query) {
            double[] b = minMax(bm25(query));
            double[] d = minMax(dense(query));
            double[] s = new double[b.length];
            for (int i = 0; i < s.length; i++) s[i] = lexicalWeight * b[i] + (1 - lexicalWeight) * d[i];
            return s;
        }
    }

    static double[] minMax(double[] s) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double[] out = new double[s.length];
        if (max > min) for (int i = 0; i < s.length; i++) out[i] = (s[i] - min) / (max - min);
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** The best {@link #RANKED} turns by score, ties to the earlier turn. */
    static List<EvidenceRecall.Retrieved> top(double[] score, List<LocomoData.Turn> turns) {
        Integer[] order = new Integer[score.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        List<EvidenceRecall.Retrieved> out = new ArrayList<>();
        for (int i = 0; i < Math.min(RANKED, order.length); i++) {
            LocomoData.Turn t = turns.get(order[i]);
            out.add(new EvidenceRecall.Retrieved(t.document(), Set.of(t.id())));
        }
        return out;
    }
}
