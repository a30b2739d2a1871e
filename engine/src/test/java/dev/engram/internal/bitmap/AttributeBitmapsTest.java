package dev.engram.internal.bitmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.io.CorruptFileException;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

@Seeded
class AttributeBitmapsTest {
    private record Op(int kind, int ordinal, Memory memory) {}

    private static AttributeBitmaps replay(List<Op> ops) {
        AttributeBitmaps b = new AttributeBitmaps();
        for (Op op : ops) {
            switch (op.kind) {
                case 0 -> b.addVersion(op.ordinal, op.memory);
                case 1 -> b.supersede(op.ordinal);
                default -> b.tombstone(op.ordinal);
            }
        }
        return b;
    }

    @RepeatedTest(10)
    void bitmapsMatchAModelAndRoundTripThroughTheirFile(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random);
        UserId user = gen.user();
        List<Op> ops = new ArrayList<>();
        Map<Integer, Memory> versions = new HashMap<>();
        List<Integer> currentOrdinals = new ArrayList<>();
        List<Integer> tombstoned = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < 300; i++) {
            int kind = random.nextInt(10);
            if (kind < 6 || currentOrdinals.isEmpty()) {
                Memory m = gen.memory(user);
                ops.add(new Op(0, next, m));
                versions.put(next, m);
                currentOrdinals.add(next++);
            } else if (kind < 8) {
                int o = currentOrdinals.remove(random.nextInt(currentOrdinals.size()));
                ops.add(new Op(1, o, null));
            } else {
                int o = currentOrdinals.remove(random.nextInt(currentOrdinals.size()));
                ops.add(new Op(2, o, null));
                tombstoned.add(o);
            }
        }
        AttributeBitmaps b = replay(ops);
        // Against a straightforward model.
        for (MemoryType t : MemoryType.values()) {
            RoaringBitmap expect = new RoaringBitmap();
            versions.forEach((o, m) -> { if (m.type() == t && !tombstoned.contains(o)) expect.add(o); });
            assertEquals(expect, b.ofType(t), t.name());
        }
        for (MemoryStatus s : MemoryStatus.values()) {
            RoaringBitmap expect = new RoaringBitmap();
            versions.forEach((o, m) -> { if (m.status() == s && !tombstoned.contains(o)) expect.add(o); });
            assertEquals(expect, b.withStatus(s), s.name());
        }
        RoaringBitmap expectCurrent = new RoaringBitmap();
        currentOrdinals.forEach(expectCurrent::add);
        assertEquals(expectCurrent, b.current());
        RoaringBitmap expectTomb = new RoaringBitmap();
        tombstoned.forEach(expectTomb::add);
        assertEquals(expectTomb, b.tombstones());
        for (String c : b.categoryCounts().keySet()) {
            RoaringBitmap expect = new RoaringBitmap();
            versions.forEach((o, m) -> { if (m.categories().contains(c) && !tombstoned.contains(o)) expect.add(o); });
            assertEquals(expect, b.inCategory(c), c);
        }
        RoaringBitmap servable = b.servable();
        for (int o : servable) assertTrue(currentOrdinals.contains(o) && versions.get(o).status() == MemoryStatus.ACTIVE);
        // Rebuilt equals live, and the file round trip is exact.
        assertEquals(b, replay(ops));
        byte[] file = BitmapFile.encode(b);
        assertEquals(b, BitmapFile.decode(file, file.length, "u.bmp"));
        assertThrows(IllegalArgumentException.class, () -> b.addVersion(0, versions.get(0)));
    }

    @Test
    void everySingleBitFlipAndTruncationIsDetected() {
        RandomMemories gen = new RandomMemories(new TestRandom(5));
        UserId user = UserId.of("u");
        AttributeBitmaps b = new AttributeBitmaps();
        for (int i = 0; i < 10; i++) b.addVersion(i, gen.memory(user));
        b.supersede(2);
        b.tombstone(3);
        byte[] file = BitmapFile.encode(b);
        for (int bit = 0; bit < file.length * 8; bit++) {
            byte[] bad = file.clone();
            bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
            assertThrows(CorruptFileException.class, () -> BitmapFile.decode(bad, bad.length, "u.bmp"), "bit " + bit);
        }
        for (int len = 0; len < file.length; len++) {
            int l = len;
            assertThrows(CorruptFileException.class, () -> BitmapFile.decode(file, l, "u.bmp"));
        }
    }

    @Test
    void tombstonedCategoriesDisappear() {
        RandomMemories gen = new RandomMemories(new TestRandom(6));
        Memory m = gen.memory(UserId.of("u")).toBuilder().categories(java.util.Set.of("secret-project")).build();
        AttributeBitmaps b = new AttributeBitmaps();
        b.addVersion(0, m);
        b.tombstone(0);
        assertFalse(b.categoryCounts().containsKey("secret-project"));
        assertTrue(b.servable().isEmpty());
    }
}
