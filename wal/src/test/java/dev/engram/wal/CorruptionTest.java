package dev.engram.wal;

import static dev.engram.wal.WalTestSupport.payload;
import static dev.engram.wal.WalTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.engram.io.FileOutput;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import dev.engram.wal.internal.SegmentFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exhaustive damage tests on a reference log: truncation at every byte offset, and every single-bit
 * flip. Each case runs real recovery on an in-memory copy of the files.
 */
@Seeded
class CorruptionTest {
    /** A reference log: its files, and the records in it. */
    record Reference(Map<String, byte[]> files, List<WalRecord> records) {
        InMemoryStorage copy(String damaged, byte[] content) throws IOException {
            InMemoryStorage s = new InMemoryStorage();
            for (var e : files.entrySet()) {
                try (FileOutput out = s.create(e.getKey())) {
                    out.write(e.getKey().equals(damaged) ? content : e.getValue());
                }
            }
            return s;
        }

        String lastFile() {
            return new ArrayList<>(files.keySet()).getLast();
        }

        /** The end offset of each record of {@code file}, in order. */
        List<Long> recordEnds(String file) {
            List<Long> ends = new ArrayList<>();
            long first = SegmentFormat.parseFileName(file);
            long pos = SegmentFormat.HEADER_LENGTH;
            for (WalRecord r : records) {
                if (r.lsn() < first) continue;
                if (pos >= files.get(file).length) break;
                pos += SegmentFormat.recordLength(r.payload().length);
                ends.add(pos);
            }
            return ends;
        }
    }

    /** Appends {@code count} records one by one (each its own batch and fsync). */
    static Reference reference(TestRandom random, int count, long segmentSize) throws IOException {
        InMemoryStorage storage = new InMemoryStorage();
        List<WalRecord> records = new ArrayList<>();
        try (Wal wal = Wal.open(WalOptions.builder(storage).segmentSize(segmentSize).maxRecordSize(200).build())) {
            for (int i = 1; i <= count; i++) {
                byte[] p = random.bytes(random.nextInt(4) == 0 ? 0 : random.between(1, 120));
                int type = random.nextInt();
                assertEquals(i, wal.append(type, p));
                records.add(new WalRecord(i, type, p));
            }
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : storage.list()) files.put(name, storage.content(name));
        return new Reference(files, records);
    }

    static WalOptions options(InMemoryStorage s, boolean salvage) {
        return WalOptions.builder(s).segmentSize(100_000).maxRecordSize(200).salvage(salvage).build();
    }

    @Test
    void truncationAtEveryOffsetKeepsExactlyTheCompleteRecords(TestRandom random) throws IOException {
        Reference ref = reference(random, 60, 100_000);
        assertEquals(1, ref.files().size());
        String file = ref.lastFile();
        byte[] full = ref.files().get(file);
        List<Long> ends = ref.recordEnds(file);
        for (int t = 0; t <= full.length; t++) {
            byte[] cut = java.util.Arrays.copyOf(full, t);
            int complete = 0;
            while (complete < ends.size() && ends.get(complete) <= t) complete++;
            boolean boundary = t == SegmentFormat.HEADER_LENGTH || ends.contains((long) t);
            InMemoryStorage s = ref.copy(file, cut);
            try (Wal wal = Wal.open(options(s, false))) {
                List<WalRecord> got = readAll(wal);
                assertEquals(ref.records().subList(0, complete), got, "truncated at " + t);
                RecoveryReport report = wal.recoveryReport();
                assertEquals(boundary, report.clean(), "truncated at " + t + ": " + report);
                if (!boundary) {
                    RecoveryReport.Repair repair = report.repairs().getFirst();
                    assertEquals(t < SegmentFormat.HEADER_LENGTH ? RecoveryReport.Kind.TORN_SEGMENT_DELETED
                            : RecoveryReport.Kind.TORN_TAIL_TRUNCATED, repair.kind(), report.toString());
                }
                // The repaired log takes appends again, with the next LSN.
                if (t % 17 == 0) assertEquals(complete + 1, wal.append(9, new byte[] {1}));
            }
            if (t % 17 == 0) {
                try (Wal wal = Wal.open(options(s, false))) {
                    assertTrue(wal.recoveryReport().clean(), "after repair at " + t + ": " + wal.recoveryReport());
                    assertEquals(complete + 1, readAll(wal).size());
                }
            }
        }
    }

    @Test
    void truncatingTheLastOfSeveralSegmentsKeepsTheOthers(TestRandom random) throws IOException {
        Reference ref = reference(random, 40, 1024);
        assertTrue(ref.files().size() >= 3, "segments: " + ref.files().keySet());
        String file = ref.lastFile();
        long first = SegmentFormat.parseFileName(file);
        byte[] full = ref.files().get(file);
        List<Long> ends = ref.recordEnds(file);
        for (int t = 0; t <= full.length; t++) {
            int complete = 0;
            while (complete < ends.size() && ends.get(complete) <= t) complete++;
            try (Wal wal = Wal.open(options(ref.copy(file, java.util.Arrays.copyOf(full, t)), false))) {
                assertEquals(ref.records().subList(0, (int) (first - 1) + complete), readAll(wal), "truncated at " + t);
            }
        }
        // Truncating a segment that is not the last is damage in the middle: refuse, naming file and offset.
        String middle = new ArrayList<>(ref.files().keySet()).get(1);
        byte[] m = ref.files().get(middle);
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> Wal.open(options(ref.copy(middle, java.util.Arrays.copyOf(m, m.length - 3)), false)));
        assertTrue(e.file().endsWith(middle), e.getMessage());
        assertEquals(ref.recordEnds(middle).get(ref.recordEnds(middle).size() - 2), e.offset(), e.getMessage());
    }

    @Test
    void everySingleBitFlipIsDetected(TestRandom random) throws IOException {
        Reference ref = reference(random, 36, 1024);
        List<String> names = new ArrayList<>(ref.files().keySet());
        assertTrue(names.size() >= 2);
        int refused = 0, truncated = 0;
        for (String file : names) {
            boolean last = file.equals(ref.lastFile());
            byte[] original = ref.files().get(file);
            List<Long> ends = ref.recordEnds(file);
            long lastRecordStart = ends.size() > 1 ? ends.get(ends.size() - 2) : SegmentFormat.HEADER_LENGTH;
            for (int bit = 0; bit < original.length * 8; bit++) {
                byte[] damaged = original.clone();
                damaged[bit >>> 3] ^= (byte) (1 << (bit & 7));
                int offset = bit >>> 3;
                InMemoryStorage s = ref.copy(file, damaged);
                try (Wal wal = Wal.open(options(s, false))) {
                    // Only damage to the newest record can pass for a torn write; it is cut off and reported.
                    if (!last || offset < lastRecordStart) {
                        fail("flip of bit " + bit + " in " + file + " (offset " + offset + ") was not refused: "
                                + wal.recoveryReport());
                    }
                    assertFalse(wal.recoveryReport().clean(), "flip at " + offset + " accepted silently");
                    List<WalRecord> got = readAll(wal);
                    assertEquals(ref.records().subList(0, got.size()), got);
                    assertEquals(ref.records().size() - 1, got.size());
                    truncated++;
                } catch (CorruptLogException e) {
                    assertTrue(e.file().endsWith(file), e.getMessage());
                    assertTrue(e.offset() <= offset, "reported offset " + e.offset() + " is after the flip at " + offset);
                    refused++;
                }
            }
        }
        assertTrue(refused > 0 && truncated > 0, refused + " refused, " + truncated + " truncated");
    }

    @Test
    void salvageKeepsTheRecordsBeforeTheDamageAndReportsTheRest(TestRandom random) throws IOException {
        Reference ref = reference(random, 40, 1024);
        List<String> names = new ArrayList<>(ref.files().keySet());
        String file = names.get(1);
        List<Long> ends = ref.recordEnds(file);
        byte[] damaged = ref.files().get(file).clone();
        int at = (int) (long) ends.get(1) + 10; // inside the third record of the second segment
        damaged[at] ^= 0x40;
        InMemoryStorage s = ref.copy(file, damaged);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> Wal.open(options(s, false)));
        assertEquals((long) ends.get(1), e.offset());
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("salvage"), e.getMessage());
        long firstOfSegment = SegmentFormat.parseFileName(file);
        int keep = (int) (firstOfSegment - 1) + 2;
        try (Wal wal = Wal.open(options(s, true))) {
            RecoveryReport report = wal.recoveryReport();
            assertEquals(ref.records().subList(0, keep), readAll(wal));
            assertEquals(RecoveryReport.Kind.SALVAGE_TRUNCATED, report.repairs().getFirst().kind());
            assertEquals(names.size() - 2, report.repairs().stream()
                    .filter(r -> r.kind() == RecoveryReport.Kind.SALVAGE_SEGMENT_DELETED).count(), report.toString());
            assertEquals(keep + 1, wal.append(1, payload(1, 5)));
        }
        try (Wal wal = Wal.open(options(s, false))) {
            assertTrue(wal.recoveryReport().clean());
            assertEquals(keep + 1, wal.lastLsn());
        }
    }

    @Test
    void aMissingSegmentIsAGap(TestRandom random) throws IOException {
        Reference ref = reference(random, 40, 1024);
        String middle = new ArrayList<>(ref.files().keySet()).get(1);
        InMemoryStorage s = ref.copy(null, null);
        s.delete(middle);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> Wal.open(options(s, false)));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
