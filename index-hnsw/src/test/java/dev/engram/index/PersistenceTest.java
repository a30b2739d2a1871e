package dev.engram.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/** Save / open round trips, rebuild equality, corruption and truncation detection. */
@Seeded
class PersistenceTest {
    static final int DIM = 24;
    @TempDir
    Path dir;

    @RepeatedTest(3)
    void roundTripGivesIdenticalResultsAndEqualsARebuildFromVectors(TestRandom random) throws IOException {
        IndexConfig config = IndexConfig.defaults(DIM).withSeed(random.nextLong()).withQuantized(random.nextBoolean())
                .withSimilarity(Similarity.values()[random.nextInt(3)]);
        float[][] data = Vectors.clustered(random, random.between(1, 2500), DIM, 10, 0.5f);
        Path file = dir.resolve("v.evx");
        try (VectorIndex original = RecallTest.build(config, data);
             VectorIndex rebuilt = RecallTest.build(config, data)) {
            for (int i = 0; i < data.length; i += 7) {
                original.delete(i);
                rebuilt.delete(i);
            }
            original.save(file);
            try (VectorIndex opened = VectorIndex.open(file)) {
                assertEquals(config, opened.config());
                assertEquals(original.size(), opened.size());
                assertEquals(original.liveCount(), opened.liveCount());
                RoaringBitmap half = new RoaringBitmap();
                for (int i = 0; i < data.length; i += 2) half.add(i);
                for (int q = 0; q < 30; q++) {
                    float[] query = Vectors.gaussianUnit(random, DIM);
                    for (SearchOptions o : new SearchOptions[] {SearchOptions.defaults(),
                            SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW),
                            SearchOptions.defaults().withFilter(half)}) {
                        SearchResults expected = original.search(query, 10, o);
                        assertEquals(expected, opened.search(query, 10, o), "opened vs original, " + o);
                        assertEquals(expected, rebuilt.search(query, 10, o), "rebuilt from vectors vs original, " + o);
                    }
                }
                // an opened index keeps working: adds and deletes change memory, not the file
                long fileSize = Files.size(file);
                byte[] before = Files.readAllBytes(file);
                int ord = opened.add(data[0]);
                assertEquals(data.length, ord);
                opened.delete(1);
                SearchResults r = opened.search(data[0], 3, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW));
                assertTrue(r.ordinals()[0] == ord || r.ordinals()[0] == 0 && !opened.isLive(0) || data.length < 3);
                assertEquals(fileSize, Files.size(file));
                assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "the mapped file was not written");
                Path again = dir.resolve("again.evx");
                opened.save(again);
                try (VectorIndex reopened = VectorIndex.open(again)) {
                    assertEquals(opened.size(), reopened.size());
                    assertFalse(reopened.isLive(1));
                    assertEquals(opened.search(data[0], 5), reopened.search(data[0], 5));
                }
            }
        }
    }

    /** toBytes is byte for byte the saved file, and opening from memory equals opening the file. */
    @RepeatedTest(2)
    void bytesInMemoryEqualTheFileAndOpenFromAnOffHeapCopy(TestRandom random) throws IOException {
        IndexConfig config = IndexConfig.defaults(DIM).withSeed(random.nextLong()).withQuantized(random.nextBoolean());
        float[][] data = Vectors.clustered(random, random.between(1, 1500), DIM, 10, 0.5f);
        Path file = dir.resolve("m.evx");
        try (VectorIndex original = RecallTest.build(config, data)) {
            for (int i = 0; i < data.length; i += 5) original.delete(i);
            original.save(file);
            byte[] bytes = original.toBytes();
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(file), bytes), "toBytes == the saved file");
            try (VectorIndex fromMemory = VectorIndex.open(java.lang.foreign.MemorySegment.ofArray(bytes), "memory");
                 VectorIndex fromFile = VectorIndex.open(file)) {
                java.util.Arrays.fill(bytes, (byte) 0); // the index holds its own copy
                assertEquals(fromFile.size(), fromMemory.size());
                assertEquals(fromFile.liveCount(), fromMemory.liveCount());
                for (int q = 0; q < 20; q++) {
                    float[] query = Vectors.gaussianUnit(random, DIM);
                    assertEquals(fromFile.search(query, 10), fromMemory.search(query, 10));
                }
                fromMemory.add(data[0]);
            }
            byte[] bad = original.toBytes();
            bad[bad.length / 2] ^= 1;
            assertThrows(CorruptIndexException.class, () -> VectorIndex.open(java.lang.foreign.MemorySegment.ofArray(bad), "memory"));
        }
    }

    @Test
    void emptyIndexRoundTrips() throws IOException {
        Path file = dir.resolve("empty.evx");
        try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM))) {
            index.save(file);
        }
        try (VectorIndex opened = VectorIndex.open(file)) {
            assertEquals(0, opened.size());
            float[] v = new float[DIM];
            v[0] = 1;
            assertEquals(0, opened.add(v));
            assertEquals(0, opened.search(v, 1).ordinals()[0]);
        }
    }

    @Test
    void everyFlippedByteIsDetectedWithFileAndOffset(TestRandom random) throws IOException {
        Path file = dir.resolve("c.evx");
        try (VectorIndex index = RecallTest.build(IndexConfig.defaults(DIM), Vectors.clustered(random, 200, DIM, 5, 0.5f))) {
            index.save(file);
        }
        byte[] good = Files.readAllBytes(file);
        // every byte of the header and footer, and samples across the regions
        for (int pos = 0; pos < good.length; pos += pos < 256 || pos > good.length - 32 ? 1 : random.between(1, 97)) {
            if (pos >= 164 && pos < 188) continue; // reserved bytes are covered by the header CRC too, but test below
            byte[] bad = good.clone();
            bad[pos] ^= (byte) (1 << random.nextInt(8));
            Path f = dir.resolve("bad.evx");
            Files.write(f, bad);
            CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> VectorIndex.open(f).close(),
                    "flipped byte at " + pos + " not detected");
            assertEquals(f, e.file());
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
        byte[] reserved = good.clone();
        reserved[170] = 1;
        Files.write(dir.resolve("r.evx"), reserved);
        assertThrows(CorruptIndexException.class, () -> VectorIndex.open(dir.resolve("r.evx")));
    }

    @Test
    void truncatedAndForeignFilesAreRejected(TestRandom random) throws IOException {
        Path file = dir.resolve("t.evx");
        try (VectorIndex index = RecallTest.build(IndexConfig.defaults(DIM), Vectors.clustered(random, 300, DIM, 5, 0.5f))) {
            index.save(file);
        }
        long len = Files.size(file);
        for (long cut : new long[] {0, 10, 191, 192, len / 2, len - 17, len - 1}) {
            Path f = dir.resolve("cut.evx");
            Files.copy(file, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(cut);
            }
            CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> VectorIndex.open(f), "cut at " + cut);
            assertTrue(e.getMessage().contains("offset"), e.getMessage());
        }
        Path foreign = dir.resolve("foreign.evx");
        Files.writeString(foreign, "this is not an index file, but it is long enough to hold a header....".repeat(10));
        CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> VectorIndex.open(foreign));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> VectorIndex.open(dir.resolve("missing.evx")));
    }

    @Test
    void saveReplacesAtomicallyAndLeavesNoTempFiles(TestRandom random) throws IOException {
        Path file = dir.resolve("a.evx");
        try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM))) {
            for (int round = 0; round < 3; round++) {
                index.add(Vectors.gaussianUnit(random, DIM));
                index.save(file);
                try (VectorIndex opened = VectorIndex.open(file)) {
                    assertEquals(round + 1, opened.size());
                }
            }
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the index file remains");
        }
    }
}
