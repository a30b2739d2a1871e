package dev.engram.bench.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic, varied English sentences of chat-memory flavour, 8 to 30 words. */
final class Sentences {
    private static final String[] SUBJECTS = {"I", "My sister", "Caroline", "Our team", "The doctor", "My landlord", "Melanie", "We"};
    private static final String[] VERBS = {"moved to", "started learning", "stopped eating", "volunteered at", "painted",
        "signed up for", "complained about", "booked a trip to", "adopted a dog from", "finished reading about"};
    private static final String[] OBJECTS = {"Berlin", "the pottery class downtown", "gluten and most dairy products", "the animal shelter",
        "a sunrise over the lake", "a marathon in October", "the noisy neighbours upstairs", "Lisbon for our anniversary",
        "a rescue centre near the coast", "the history of the Roman empire"};
    private static final String[] TAILS = {"", "last week", "because it felt like the right time",
        "after a long conversation with my therapist about priorities and balance", "and it was honestly amazing",
        "yesterday, even though the weather was awful and everyone was tired",
        "— can you remind me about it next month when we plan the budget?"};

    private Sentences() {}

    static List<String> generate(int count, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String s = SUBJECTS[r.nextInt(SUBJECTS.length)] + " " + VERBS[r.nextInt(VERBS.length)] + " "
                    + OBJECTS[r.nextInt(OBJECTS.length)] + " " + TAILS[r.nextInt(TAILS.length)];
            out.add(s.strip() + ".");
        }
        return out;
    }
}
