package dev.engram.internal.lexical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * {@link PostingList} against a sorted map: appends, inserts below the last ordinal, removals
 * (tombstones and compaction), revivals; block bounds never below the entries they cover (exact
 * after a compaction); {@code advance} equal to a linear scan.
 */
@Seeded
class PostingListTest {

    /** The live (ordinal, tf) pairs of the list, in order. */
    private static Map<Integer, Integer> entries(PostingList l) {
        Map<Integer, Integer> out = new TreeMap<>();
        for (int i = 0; i < l.size; i++) {
            if (i > 0) assertTrue(l.docs[i] > l.docs[i - 1], "ordinals ascending at " + i);
            if (l.tfs[i] > 0) out.put(l.docs[i], l.tfs[i]);
        }
        return out;
    }

    private static void checkBounds(PostingList l, int[] lengths, boolean exact) {
        assertEquals((l.size + PostingList.BLOCK - 1) / PostingList.BLOCK, l.blockCount());
        for (int b = 0; b < l.blockCount(); b++) {
            int maxTf = 0;
            int minLength = Integer.MAX_VALUE;
            for (int i = b * PostingList.BLOCK; i < Math.min(l.size, (b + 1) * PostingList.BLOCK); i++) {
                if (l.tfs[i] == 0) continue;
                maxTf = Math.max(maxTf, l.tfs[i]);
                minLength = Math.min(minLength, lengths[l.docs[i]]);
            }
            assertTrue(l.blockMaxTf[b] >= maxTf, "block " + b + " max tf " + l.blockMaxTf[b] + " < " + maxTf);
            assertTrue(l.blockMinLength[b] <= minLength, "block " + b + " min length " + l.blockMinLength[b] + " > " + minLength);
            if (exact) {
                assertEquals(maxTf, l.blockMaxTf[b], "block " + b);
                assertEquals(minLength, l.blockMinLength[b], "block " + b);
            }
        }
    }

    @RepeatedTest(20)
    void behavesAsASortedMapWithSafeBlockBounds(TestRandom random) {
        PostingList l = new PostingList();
        Map<Integer, Integer> model = new TreeMap<>();
        int universe = random.between(50, 3000);
        int[] lengths = new int[universe];
        int ops = random.between(100, 4000);
        boolean appendMostly = random.nextBoolean();
        int next = 0;
        for (int op = 0; op < ops; op++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                int doc = appendMostly && next < universe ? next++ : random.nextInt(universe);
                if (model.containsKey(doc)) continue;
                int tf = random.nextInt(8) == 0 ? random.between(2, 40) : 1;
                lengths[doc] = random.between(tf, tf + 60);
                l.add(doc, tf, lengths[doc], lengths);
                model.put(doc, tf);
            } else if (!model.isEmpty()) {
                List<Integer> keys = new ArrayList<>(model.keySet());
                int doc = keys.get(random.nextInt(keys.size()));
                l.remove(doc, lengths);
                model.remove(doc);
            }
            if (op % 97 == 0) {
                assertEquals(model, entries(l), "after op " + op);
                assertEquals(model.size(), l.live());
                checkBounds(l, lengths, false);
            }
        }
        assertEquals(model, entries(l));
        assertEquals(model.size(), l.live());
        checkBounds(l, lengths, false);
        // advance: the first position at or after pos holding an ordinal >= target.
        for (int i = 0; i < 500; i++) {
            int pos = l.size == 0 ? 0 : random.nextInt(l.size + 1);
            int target = random.nextInt(universe + 10);
            int expected = pos;
            while (expected < l.size && l.docs[expected] < target) expected++;
            assertEquals(expected, l.advance(pos, target), "advance(" + pos + ", " + target + ")");
        }
        // Removing over half compacts: no tombstones left and exact bounds.
        List<Integer> keys = new ArrayList<>(model.keySet());
        for (int i = 0; i < keys.size(); i++) {
            if (i % 3 != 0) {
                l.remove(keys.get(i), lengths);
                model.remove(keys.get(i));
            }
        }
        assertEquals(model, entries(l));
        if (l.live() == l.size) checkBounds(l, lengths, true);
    }

    @Test
    void removedEntriesRevivedAndInsertedBelowTheLastKeepBounds() {
        PostingList l = new PostingList();
        int[] lengths = new int[1000];
        for (int d = 0; d < 600; d += 2) {
            lengths[d] = 10;
            l.add(d, 1, 10, lengths);
        }
        l.remove(10, lengths);
        lengths[10] = 3;
        l.add(10, 5, 3, lengths); // revived in place
        lengths[11] = 2;
        l.add(11, 7, 2, lengths); // inserted below the last ordinal: later blocks shift
        Map<Integer, Integer> e = entries(l);
        assertEquals(5, e.get(10));
        assertEquals(7, e.get(11));
        assertEquals(301, l.live());
        checkBounds(l, lengths, false);
        assertEquals(7, l.blockMaxTf[0]);
        assertEquals(2, l.blockMinLength[0]);
        assertThrows(IllegalStateException.class, () -> l.add(11, 1, 2, lengths));
        assertThrows(IllegalStateException.class, () -> l.remove(13, lengths));
    }
}
