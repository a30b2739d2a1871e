package dev.engram.bench.locomo;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.retrieval.Fusion;
import dev.engram.internal.retrieval.RetrievalConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retrieval variants measured against engram-turns when tuning ({@code --variants}): each changes
 * one thing (or a named combination) of the retriever's configuration or of how turns are stored.
 * docs/benchmarks.md records what each measured.
 */
final class Variants {
    private Variants() {}

    static List<RetrievalSystem> all(LocomoEmbeddings e, TextAnalyzer a) throws IOException {
        RetrievalConfig d = RetrievalConfig.defaults();
        List<RetrievalSystem> out = new ArrayList<>();
        out.add(new EngramTurns("v:no-qstop", e, a, d.withQueryStopWords(Set.of())));
        out.add(new EngramTurns("v:rrf", e, a, d.withFusion(Fusion.RRF)));
        out.add(new EngramTurns("v:no-complete", e, a, d.withCompleteScores(false)));
        for (double w : new double[] {0.2, 0.25, 0.35}) out.add(new EngramTurns("v:lex" + w, e, a, d.withWeights(1 - w, w)));
        for (int k : new int[] {30, 100, 200}) out.add(new EngramTurns("v:pool" + k, e, a, d.withCandidates(k)));
        out.add(new EngramTurns("v:recency0", e, a, d.withRecency(0, Duration.ofDays(30))));
        out.add(new EngramTurns("v:recency0.05/30d", e, a, d.withRecency(0.05, Duration.ofDays(30))));
        out.add(new EngramTurns("v:recency0.1/30d", e, a, d.withRecency(0.1, Duration.ofDays(30))));
        out.add(new EngramTurns("v:importance0", e, a, d.withImportanceWeight(0)));
        EngramTurns mmr = new EngramTurns("v:mmr0.85", e, a, d.withMmrLambda(0.85));
        mmr.mmr = true;
        out.add(mmr);
        out.add(new EngramTurns("v:no-speaker-names", e, a, d) {
            private Set<String> names = Set.of();

            @Override
            public void ingest(LocomoData.Conversation c) throws IOException {
                names = Set.of(c.speakerA(), c.speakerB());
                super.ingest(c);
            }

            @Override
            String queryText(LocomoData.Question q) {
                String t = q.question();
                for (String n : names) if (!n.isBlank()) t = t.replaceAll("\\b" + java.util.regex.Pattern.quote(n) + "('s)?\\b", " ");
                return t;
            }
        });
        for (Context ctx : Context.values()) {
            out.add(new EngramTurns("v:ctx-" + ctx.name().toLowerCase(java.util.Locale.ROOT), e, a, d) {
                @Override
                float[] embedding(LocomoData.Session s, int i) {
                    return contextEmbedding(embeddings, s, i, ctx);
                }
            });
        }
        // Extracted memories (rules-v1 candidates) instead of turns.
        out.add(new EngramExtracted("x:no-qstop", e, a, d.withQueryStopWords(Set.of()), false));
        out.add(new EngramExtracted("x:rrf", e, a, d.withFusion(Fusion.RRF), false));
        out.add(new EngramExtracted("x:no-complete", e, a, d.withCompleteScores(false), false));
        for (double w : new double[] {0.2, 0.4, 0.5}) out.add(new EngramExtracted("x:lex" + w, e, a, d.withWeights(1 - w, w), false));
        for (double w : new double[] {0, 0.1, 0.2}) out.add(new EngramExtracted("x:importance" + w, e, a, d.withImportanceWeight(w), false));
        out.add(new EngramExtracted("x:recency0.05/30d", e, a, d.withRecency(0.05, Duration.ofDays(30)), false));
        for (double l : new double[] {0.7, 0.85}) {
            EngramExtracted m = new EngramExtracted("x:mmr" + l, e, a, d.withMmrLambda(l), false);
            m.mmr = true;
            out.add(m);
        }
        for (int k : new int[] {30, 100, 200}) out.add(new EngramExtracted("x:pool" + k, e, a, d.withCandidates(k), false));
        out.add(new EngramExtracted("x:turns+ctx", e, a, d, true) {
            @Override
            float[] embedding(LocomoData.Session s, int i) {
                return contextEmbedding(embeddings, s, i, Context.BLEND);
            }
        });
        // The query vector embedded from the question without its question words.
        out.add(new EngramTurns("q:turns", e, a, d) {
            @Override
            String queryVectorText(LocomoData.Question q) {
                return strippedQuestion(q);
            }
        });
        out.add(new EngramExtracted("q:extracted", e, a, d, false) {
            @Override
            String queryVectorText(LocomoData.Question q) {
                return strippedQuestion(q);
            }
        });
        out.add(new EngramTurns("v:prefix-packing", e, a, d) {
            @Override
            public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q, int tokenBudget) {
                return retrieve(q);
            }
        });
        return out;
    }

    static String strippedQuestion(LocomoData.Question q) {
        String s = dev.engram.internal.retrieval.QueryWords.strip(q.question(), dev.engram.internal.retrieval.QueryWords.QUESTION_WORDS);
        return s.isBlank() ? q.question() : s;
    }

    /** How a turn's stored embedding takes in its neighbours (the content stays the turn alone). */
    enum Context {
        /** the embedding of "previous turn \n turn" */
        PREV,
        /** of "turn \n next turn" */
        NEXT,
        /** the normalized sum of PREV's and NEXT's */
        BLEND,
        /** the normalized sum of the turn's own, PREV's and NEXT's */
        BLEND3
    }

    static float[] contextEmbedding(LocomoEmbeddings e, LocomoData.Session s, int i, Context ctx) {
        return switch (ctx) {
            case PREV -> e.embed(withPrevious(s, i));
            case NEXT -> e.embed(withNext(s, i));
            case BLEND -> normalizedSum(e.embed(withPrevious(s, i)), e.embed(withNext(s, i)));
            case BLEND3 -> normalizedSum(e.embed(s.turns().get(i).document()), e.embed(withPrevious(s, i)), e.embed(withNext(s, i)));
        };
    }

    static float[] normalizedSum(float[]... vs) {
        float[] out = new float[vs[0].length];
        for (float[] v : vs) for (int j = 0; j < out.length; j++) out[j] += v[j];
        double n = 0;
        for (float x : out) n += x * x;
        float norm = (float) Math.sqrt(n);
        for (int j = 0; j < out.length; j++) out[j] /= norm;
        return out;
    }

    static String withPrevious(LocomoData.Session s, int i) {
        String doc = s.turns().get(i).document();
        return i == 0 ? doc : s.turns().get(i - 1).document() + "\n" + doc;
    }

    static String withNext(LocomoData.Session s, int i) {
        String doc = s.turns().get(i).document();
        return i + 1 >= s.turns().size() ? doc : doc + "\n" + s.turns().get(i + 1).document();
    }

    /** Texts to embed (and cache) before the variants run: each turn with its next one (the previous turn's pair too). */
    static Map<String, List<String>> texts(List<LocomoData.Conversation> data) {
        List<String> pairs = new ArrayList<>();
        for (LocomoData.Conversation c : data) {
            for (LocomoData.Session s : c.sessions()) {
                for (int i = 0; i < s.turns().size(); i++) pairs.add(withNext(s, i));
            }
        }
        List<String> stripped = new ArrayList<>();
        for (LocomoData.Conversation c : data) {
            for (LocomoData.Question q : c.questions()) if (q.scored()) stripped.add(strippedQuestion(q));
        }
        return Map.of("turns-next", pairs, "questions-stripped", stripped);
    }
}
