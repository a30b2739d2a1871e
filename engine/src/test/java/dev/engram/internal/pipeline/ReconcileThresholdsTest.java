package dev.engram.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The measurement behind {@link ReconcileThresholds#DEFAULT}: cosine similarity (bge-small-en-v1.5
 * int8) of memory pairs written for this purpose, labelled SAME (paraphrase: reinforce),
 * REFINED (same memory, more detail: update) or OTHER (different memory, often same topic or
 * slot with another value, which must never merge). The test prints every pair and fails if the
 * defaults misclassify any pair.
 */
class ReconcileThresholdsTest {
    enum Label { SAME, REFINED, OTHER }

    record Pair(String a, String b, Label label) {}

    static final List<Pair> PAIRS = List.of(
            new Pair("The user is vegetarian.", "The user is a vegetarian.", Label.SAME),
            new Pair("The user has a cat named Leo.", "The user has a cat called Leo.", Label.SAME),
            new Pair("The user likes hiking.", "The user enjoys hiking.", Label.SAME),
            new Pair("The user's favourite colour is blue.", "The user's favorite color is blue.", Label.SAME),
            new Pair("The user works as a nurse.", "The user is a nurse.", Label.SAME),
            new Pair("The user is allergic to peanuts.", "The user has a peanut allergy.", Label.SAME),
            new Pair("Caroline went to a LGBTQ support group.", "Caroline attended an LGBTQ support group.", Label.SAME),
            new Pair("The user prefers answers in French.", "The user wants answers in French.", Label.SAME),
            new Pair("The user plays the guitar.", "The user plays guitar.", Label.SAME),
            new Pair("The user has two children.", "The user has 2 kids.", Label.SAME),
            new Pair("The user likes hiking.", "The user likes hiking in the Alps with their brother every summer.", Label.REFINED),
            new Pair("The user has a cat named Leo.", "The user has a ginger cat named Leo who is three years old.", Label.REFINED),
            new Pair("The user is learning Spanish.", "The user is learning Spanish for a trip to Mexico next year.", Label.REFINED),
            new Pair("The user plays the guitar.", "The user plays the guitar in a jazz band on weekends.", Label.REFINED),
            new Pair("Melanie paints.", "Melanie paints landscapes and sunsets in watercolour.", Label.REFINED),
            new Pair("The user runs.", "The user runs five kilometres every morning before work.", Label.REFINED),
            new Pair("The user lives in Paris.", "The user lives in Lisbon.", Label.OTHER),
            new Pair("The user is vegetarian.", "The user is vegan.", Label.OTHER),
            new Pair("The user has a cat named Leo.", "The user has a dog named Leo.", Label.OTHER),
            new Pair("The user likes hiking.", "The user dislikes hiking.", Label.OTHER),
            new Pair("The user works as a nurse.", "The user works as a teacher.", Label.OTHER),
            new Pair("The user's favourite colour is blue.", "The user's favourite colour is green.", Label.OTHER),
            new Pair("The user has two children.", "The user has three children.", Label.OTHER),
            new Pair("The user plays the guitar.", "The user plays the piano.", Label.OTHER),
            new Pair("The user is allergic to peanuts.", "The user is allergic to cats.", Label.OTHER),
            new Pair("Caroline went to a LGBTQ support group.", "Caroline went to a pottery class.", Label.OTHER),
            new Pair("The user likes hiking.", "The user likes reading science fiction.", Label.OTHER),
            new Pair("The user is learning Spanish.", "The user is learning to drive.", Label.OTHER),
            new Pair("The user prefers answers in French.", "The user prefers short answers.", Label.OTHER),
            new Pair("Melanie paints.", "Melanie runs a charity race.", Label.OTHER),
            new Pair("The user's sister lives in Berlin.", "The user's brother lives in Berlin.", Label.OTHER),
            new Pair("The user went to Japan in 2022.", "The user went to Japan in 2019.", Label.OTHER));

    @Test
    void defaultsSeparateTheLabelledPairs() {
        ReconcileThresholds t = ReconcileThresholds.DEFAULT;
        List<String> wrong = new ArrayList<>();
        try (OnnxEmbedder e = OnnxEmbedder.load(EmbeddingModel.defaultModel())) {
            for (Pair p : PAIRS) {
                double cos = Reconciler.dot(e.embed(p.a()), e.embed(p.b()));
                Label got = cos >= t.duplicate() ? Label.SAME
                        : cos >= t.update() && Reconciler.refines(p.a(), p.b()) ? Label.REFINED : Label.OTHER;
                System.out.printf("%.3f %-7s %-7s %s | %s%n", cos, p.label(), got, p.a(), p.b());
                if (got != p.label()) wrong.add(p.label() + "->" + got + " " + String.format("%.3f", cos) + " " + p.a() + " | " + p.b());
            }
        }
        System.out.println("misclassified " + wrong.size() + "/" + PAIRS.size() + ": " + wrong);
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
