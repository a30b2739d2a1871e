package dev.engram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.extract.RuleBasedExtractor;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export → purge → import restores the user exactly (every field of every version; the second
 * export is byte-for-byte the first), also into a second data directory; malformed and hostile
 * lines are refused with the line named, nothing of them written.
 */
class EngramExportTest {
    static final UserId CAROL = UserId.of("carol");
    static final EngramPurgeTest.HashEmbedder EMBEDDER = new EngramPurgeTest.HashEmbedder();

    @TempDir
    Path dir;
    @TempDir
    Path other;

    private static Engram open(Path p) {
        return Engram.builder(p).embedder(EMBEDDER).extractor(new RuleBasedExtractor()).durability(Durability.SYNC).open();
    }

    private static Map<MemoryId, List<Memory>> everything(Engram e, UserId u) {
        Map<MemoryId, List<Memory>> out = new LinkedHashMap<>();
        for (Memory m : e.list(ListRequest.of(u).limit(1000)).memories()) out.put(m.id(), e.history(u, m.id()));
        return out;
    }

    private static byte[] export(Engram e, UserId u) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.export(u, true, out);
        return out.toByteArray();
    }

    @Test
    void exportPurgeImportRestoresEveryVersionExactly() {
        try (Engram e = open(dir); Engram second = open(other)) {
            Memory a = e.add(CAROL, NewMemory.of("Carol likes \"quoted\" text, tabs\tand ünïcödé 🎉").type(MemoryType.PREFERENCE)
                    .importance(0.9).categories(Set.of("food", "style")).metadata(Map.of("k", "v", "lang", "en"))
                    .eventTime(Instant.parse("2025-05-07T00:00:00Z")).expiresAt(Instant.parse("2030-01-01T00:00:00Z")));
            e.update(CAROL, a.id(), MemoryUpdate.content("Carol now likes line\nbreaks"));
            for (int i = 0; i < 300; i++) e.add(CAROL, NewMemory.of("fact number " + i)); // more than one export page
            Memory gone = e.add(CAROL, NewMemory.of("deleted one"));
            e.delete(CAROL, gone.id());
            Map<MemoryId, List<Memory>> before = everything(e, CAROL);
            byte[] first = export(e, CAROL);
            String text = new String(first, StandardCharsets.UTF_8);
            assertEquals(302, text.lines().count(), "301 memories, one with two versions");
            assertTrue(!text.contains("deleted one"));

            e.purge(CAROL);
            assertTrue(e.list(ListRequest.of(CAROL)).memories().isEmpty());
            assertEquals(302, e.importUser(CAROL, new ByteArrayInputStream(first)));
            assertEquals(before, everything(e, CAROL));
            assertArrayEquals(first, export(e, CAROL), "a second export is byte-for-byte the first");

            assertEquals(302, second.importUser(CAROL, new ByteArrayInputStream(first)));
            assertEquals(before, everything(second, CAROL));
            assertArrayEquals(first, export(second, CAROL));
            // Current versions only.
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            assertEquals(301, second.export(CAROL, false, current));
            List<AuditRecord> audit = e.audit(CAROL, 1000);
            assertTrue(audit.stream().anyMatch(r -> r.action().equals("EXPORT")));
            assertTrue(audit.stream().anyMatch(r -> r.action().equals("IMPORT")));
        }
    }

    @Test
    void badLinesAreRefusedWithTheirLineNumber() {
        try (Engram e = open(dir)) {
            Memory m = e.add(UserId.of("src"), NewMemory.of("a good memory"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            e.export(UserId.of("src"), true, out);
            String good = out.toString(StandardCharsets.UTF_8).strip();
            e.add(UserId.of("src2"), NewMemory.of("another memory"));
            ByteArrayOutputStream out2 = new ByteArrayOutputStream();
            e.export(UserId.of("src2"), true, out2);
            String other = out2.toString(StandardCharsets.UTF_8).strip();
            List<String> bad = List.of(
                    "{not json",
                    "[1,2,3]",
                    good.replace("\"content\"", "\"contents\""),                       // unknown field
                    good.replace("\"version\":1", "\"version\":\"one\""),             // wrong type
                    good.replace("\"type\":\"FACT\"", "\"type\":\"EVIL\""),            // bad enum
                    good.replace("\"format\":\"engram.export/1\"", "\"format\":\"x\""),
                    good.replace("\"id\":\"" + m.id(), "\"id\":\"../../etc/passwd"),  // hostile id
                    good.replace("\"created_at\":\"", "\"created_at\":\"yesterday"),
                    "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}",           // nesting bomb
                    good.replace("a good memory", "x".repeat(2 << 20)),               // over 1 MiB
                    good.replace("\"version\":1", "\"version\":3"));                  // a version the store refuses
            int n = 0;
            for (String line : bad) {
                UserId u = UserId.of("dst" + n++);
                String input = good + "\n\n" + line + "\n" + other + "\n";
                ImportFormatException x = assertThrows(ImportFormatException.class,
                        () -> e.importUser(u, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))),
                        () -> "accepted: " + line.substring(0, Math.min(200, line.length())));
                assertEquals(3, x.line(), x.getMessage());
                List<Memory> there = e.list(ListRequest.of(u)).memories();
                assertEquals(List.of(m.id()), there.stream().map(Memory::id).toList(), "only the line before the bad one: " + x.getMessage());
            }
        }
    }
}
