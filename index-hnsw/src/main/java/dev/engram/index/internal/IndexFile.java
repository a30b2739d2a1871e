package dev.engram.index.internal;

import dev.engram.index.CorruptIndexException;
import dev.engram.index.IndexConfig;
import dev.engram.index.Similarity;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Version 1 of the index file ({@code docs/index-format.md} has the same table). All integers are
 * little-endian. The regions are the in-memory records byte for byte, so opening maps the file and
 * points the stores at it: no parsing, no rebuild.
 *
 * <pre>
 * offset size field
 *   0     8  magic "ENGRAMVX"
 *   8    24  format name "engram.vector-index", NUL-padded
 *  32     4  version (1)
 *  36     4  header length (192)
 *  40     4  dimension
 *  44     4  similarity (0 dot product, 1 cosine, 2 euclidean)
 *  48     4  m
 *  52     4  efConstruction
 *  56     4  efSearch
 *  60     4  flags (bit 0 quantized, bit 1 neighbour heuristic)
 *  64     8  seed
 *  72     4  size (nodes)
 *  76     4  deleted count
 *  80     4  upper slots
 *  84     4  node record size
 *  88     8  entry point (level &lt;&lt; 32 | node; -1 when empty)
 *  96     4  upper slot size
 * 100     4  float record size (0 unless quantized)
 * 104    8+8 nodes region offset, length   (size × node record size)
 * 120    8+8 upper region offset, length   (upper slots × upper slot size)
 * 136    8+8 floats region offset, length  (size × float record size; 0, 0 unless quantized)
 * 152     4  CRC32C of the nodes region
 * 156     4  CRC32C of the upper region
 * 160     4  CRC32C of the floats region
 * 164    24  reserved, zero
 * 188     4  CRC32C of bytes 0..187
 * 192        regions, each at a multiple of 64, zero padding between
 * end-16  8  footer magic "ENGRVEND"
 * end-8   8  file length
 * </pre>
 *
 * <p>Stateless and thread-safe; the caller keeps the graph from changing while it is written.
 */
public final class IndexFile {
    static final byte[] MAGIC = "ENGRAMVX".getBytes(StandardCharsets.US_ASCII);
    static final byte[] FOOTER_MAGIC = "ENGRVEND".getBytes(StandardCharsets.US_ASCII);
    static final String NAME = "engram.vector-index";
    static final int VERSION = 1;
    static final int HEADER = 192;
    static final int FOOTER = 16;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private IndexFile() {}

    /** Writes {@code graph} to {@code file} atomically (temp file, fsync, rename, directory fsync). */
    public static void write(HnswGraph graph, Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = dir.resolve(abs.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean success = false;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeTo(graph, ch);
            ch.force(true);
            success = true;
        } finally {
            if (!success) Files.deleteIfExists(tmp);
        }
        try {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some platforms cannot fsync a directory; the rename itself is atomic
        }
    }

    /** The bytes {@link #write} would write, in memory (for callers that encrypt them before they reach a file). */
    public static byte[] toBytes(HnswGraph graph) throws IOException {
        long total = length(graph);
        if (total > Integer.MAX_VALUE - 16) throw new IOException("index of " + total + " bytes is too large to hold in one array");
        byte[] out = new byte[(int) total];
        writeTo(graph, new ArrayChannel(out));
        return out;
    }

    private static long length(HnswGraph graph) {
        GraphStore g = graph.store;
        long nodesLen = (long) graph.size() * g.nodes.recordSize();
        long upperOff = align64(HEADER + nodesLen);
        long upperLen = (long) graph.upperSlots() * g.upper.recordSize();
        long floatsOff = g.quantized ? align64(upperOff + upperLen) : 0;
        long floatsLen = g.quantized ? (long) graph.size() * g.floats.recordSize() : 0;
        return align64(g.quantized ? floatsOff + floatsLen : upperOff + upperLen) + FOOTER;
    }

    private static void writeTo(HnswGraph graph, java.nio.channels.SeekableByteChannel ch) throws IOException {
        GraphStore g = graph.store;
        int size = graph.size();
        int slots = graph.upperSlots();
        long nodesOff = HEADER;
        long nodesLen = (long) size * g.nodes.recordSize();
        long upperOff = align64(nodesOff + nodesLen);
        long upperLen = (long) slots * g.upper.recordSize();
        long floatsOff = g.quantized ? align64(upperOff + upperLen) : 0;
        long floatsLen = g.quantized ? (long) size * g.floats.recordSize() : 0;
        long end = align64(g.quantized ? floatsOff + floatsLen : upperOff + upperLen);
        long total = end + FOOTER;
        {
            ch.position(nodesOff);
            int nodesCrc = writeRegion(ch, g.nodes, size);
            pad(ch, upperOff);
            int upperCrc = writeRegion(ch, g.upper, slots);
            int floatsCrc = 0;
            if (g.quantized) {
                pad(ch, floatsOff);
                floatsCrc = writeRegion(ch, g.floats, size);
            }
            pad(ch, end);
            ByteBuffer footer = ByteBuffer.allocate(FOOTER).order(ByteOrder.LITTLE_ENDIAN);
            footer.put(FOOTER_MAGIC).putLong(total).flip();
            writeFully(ch, footer);

            MemorySegment h = MemorySegment.ofArray(new byte[HEADER]);
            IndexConfig c = graph.config;
            MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, h, 0, 8);
            byte[] name = NAME.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(MemorySegment.ofArray(name), 0, h, 8, name.length);
            h.set(INT, 32, VERSION);
            h.set(INT, 36, HEADER);
            h.set(INT, 40, c.dimension());
            h.set(INT, 44, c.similarity().ordinal());
            h.set(INT, 48, c.m());
            h.set(INT, 52, c.efConstruction());
            h.set(INT, 56, c.efSearch());
            h.set(INT, 60, (c.quantized() ? 1 : 0) | (graph.heuristic() ? 2 : 0));
            h.set(LONG, 64, c.seed());
            h.set(INT, 72, size);
            h.set(INT, 76, graph.deletedCount());
            h.set(INT, 80, slots);
            h.set(INT, 84, g.nodes.recordSize());
            h.set(LONG, 88, graph.entry());
            h.set(INT, 96, g.upper.recordSize());
            h.set(INT, 100, g.quantized ? g.floats.recordSize() : 0);
            h.set(LONG, 104, nodesOff);
            h.set(LONG, 112, nodesLen);
            h.set(LONG, 120, upperOff);
            h.set(LONG, 128, upperLen);
            h.set(LONG, 136, floatsOff);
            h.set(LONG, 144, floatsLen);
            h.set(INT, 152, nodesCrc);
            h.set(INT, 156, upperCrc);
            h.set(INT, 160, floatsCrc);
            h.set(INT, 188, crc(h.asSlice(0, 188)));
            ch.position(0);
            writeFully(ch, h.asByteBuffer());
        }
    }

    /** A fixed-size in-memory channel over an array (only what {@link #writeTo} needs). */
    private static final class ArrayChannel implements java.nio.channels.SeekableByteChannel {
        private final byte[] a;
        private int pos;

        ArrayChannel(byte[] a) {
            this.a = a;
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (n > a.length - pos) throw new IOException("index bytes overflow the computed length");
            src.get(a, pos, n);
            pos += n;
            return n;
        }

        @Override
        public long position() {
            return pos;
        }

        @Override
        public ArrayChannel position(long p) {
            pos = (int) p;
            return this;
        }

        @Override
        public long size() {
            return a.length;
        }

        @Override
        public ArrayChannel truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    private static int writeRegion(java.nio.channels.SeekableByteChannel ch, RecordStore store, int count) throws IOException {
        CRC32C crc = new CRC32C();
        store.forEachRun(count, run -> {
            ByteBuffer b = run.asByteBuffer();
            crc.update(b.duplicate());
            writeFully(ch, b);
        });
        return (int) crc.getValue();
    }

    private static void pad(java.nio.channels.SeekableByteChannel ch, long to) throws IOException {
        long pos = ch.position();
        if (to > pos) writeFully(ch, ByteBuffer.allocate((int) (to - pos)));
    }

    private static void writeFully(java.nio.channels.SeekableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    static long align64(long v) {
        return (v + 63) & -64L;
    }

    static int crc(MemorySegment s) {
        CRC32C c = new CRC32C();
        c.update(s.asByteBuffer());
        return (int) c.getValue();
    }

    /**
     * Maps and verifies {@code file}; returns the graph over the mapped regions. The mapping is
     * private (copy-on-write): later changes stay in memory. Java maps privately only through a
     * channel open for writing; when the file cannot be opened so (permissions, read-only file
     * system), it is read into memory instead. A missing file still fails with NoSuchFileException.
     */
    public static HnswGraph read(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        boolean success = false;
        try {
            MemorySegment m = map(file, arena);
            HnswGraph g = parse(file, m, arena);
            success = true;
            return g;
        } finally {
            if (!success) arena.close();
        }
    }

    /**
     * Verifies the bytes of an index file held in memory ({@code data}, e.g. just decrypted) and
     * returns a graph over an off-heap, 64-byte aligned copy of them; {@code name} is for messages.
     */
    public static HnswGraph read(MemorySegment data, String name) throws IOException {
        Arena arena = Arena.ofShared();
        boolean success = false;
        try {
            MemorySegment copy = arena.allocate(Math.max(1, data.byteSize()), 64).asSlice(0, data.byteSize());
            MemorySegment.copy(data, 0, copy, 0, data.byteSize());
            HnswGraph g = parse(Path.of(name), copy, arena);
            success = true;
            return g;
        } finally {
            if (!success) arena.close();
        }
    }

    private static MemorySegment map(Path file, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.PRIVATE, 0, ch.size(), arena);
        } catch (FileSystemException e) { // no write permission, read-only file system, …: read a copy
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                MemorySegment mem = arena.allocate(ch.size(), 64);
                ByteBuffer b = mem.asByteBuffer();
                while (b.hasRemaining() && ch.read(b) >= 0) { /* fill */ }
                return mem;
            }
        }
    }

    private static HnswGraph parse(Path file, MemorySegment m, Arena arena) throws IOException {
        long len = m.byteSize();
        if (len < HEADER + FOOTER) {
            throw new CorruptIndexException(file, len, "file is " + len + " bytes, shorter than header and footer ("
                    + (HEADER + FOOTER) + "): truncated, or not an index file");
        }
        if (!m.asSlice(0, 8).equals(MemorySegment.ofArray(MAGIC)) && m.asSlice(0, 8).mismatch(MemorySegment.ofArray(MAGIC)) != -1) {
            throw new CorruptIndexException(file, 0, "bad magic (expected \"ENGRAMVX\"): not an Engram vector index file");
        }
        byte[] name = NAME.getBytes(StandardCharsets.US_ASCII);
        byte[] nameField = new byte[24];
        System.arraycopy(name, 0, nameField, 0, name.length);
        if (m.asSlice(8, 24).mismatch(MemorySegment.ofArray(nameField)) != -1) {
            throw new CorruptIndexException(file, 8, "bad format name (expected \"" + NAME + "\")");
        }
        int storedCrc = m.get(INT, 188);
        int actualCrc = crc(m.asSlice(0, 188));
        if (storedCrc != actualCrc) {
            throw new CorruptIndexException(file, 188, "header checksum mismatch: stored 0x" + Integer.toHexString(storedCrc)
                    + ", computed 0x" + Integer.toHexString(actualCrc) + " (disk fault or partial overwrite?)");
        }
        int version = m.get(INT, 32);
        if (version != VERSION) {
            throw new CorruptIndexException(file, 32, "unsupported format version " + version + " (this build reads " + VERSION + ")");
        }
        long footerAt = len - FOOTER;
        if (m.asSlice(footerAt, 8).mismatch(MemorySegment.ofArray(FOOTER_MAGIC)) != -1 || m.get(LONG, footerAt + 8) != len) {
            throw new CorruptIndexException(file, footerAt, "footer missing or wrong (expected \"ENGRVEND\" and length " + len
                    + "): file truncated or extended?");
        }
        int flags = m.get(INT, 60);
        IndexConfig config;
        try {
            int sim = m.get(INT, 44);
            if (sim < 0 || sim >= Similarity.values().length) throw new IllegalArgumentException("similarity " + sim);
            config = new IndexConfig(m.get(INT, 40), Similarity.values()[sim], m.get(INT, 48), m.get(INT, 52),
                    m.get(INT, 56), m.get(LONG, 64), (flags & 1) != 0);
        } catch (IllegalArgumentException e) {
            throw new CorruptIndexException(file, 40, "invalid configuration in header: " + e.getMessage());
        }
        int size = m.get(INT, 72);
        int deleted = m.get(INT, 76);
        int slots = m.get(INT, 80);
        long entry = m.get(LONG, 88);
        GraphStore probe = new GraphStore(config, arena, null, null, null, 0, 0);
        check(file, 84, m.get(INT, 84), probe.nodes.recordSize(), "node record size");
        check(file, 96, m.get(INT, 96), probe.upperSlotSize, "upper slot size");
        check(file, 100, m.get(INT, 100), config.quantized() ? probe.floats.recordSize() : 0, "float record size");
        if (size < 0 || deleted < 0 || deleted > size || slots < 0) {
            throw new CorruptIndexException(file, 72, "invalid counts: size " + size + ", deleted " + deleted + ", upper slots " + slots);
        }
        if (size == 0 ? entry != -1 : (entry < 0 || (int) entry >= size || (int) entry < 0)) {
            throw new CorruptIndexException(file, 88, "invalid entry point " + entry + " for " + size + " nodes");
        }
        // the layout is fully determined by the counts: require exactly it, so no byte goes unchecked
        long nodesLen = (long) size * probe.nodes.recordSize();
        long upperAt = align64(HEADER + nodesLen);
        long upperLen = (long) slots * probe.upperSlotSize;
        long floatsAt = config.quantized() ? align64(upperAt + upperLen) : 0;
        long floatsLen = config.quantized() ? (long) size * probe.floats.recordSize() : 0;
        long end = align64(config.quantized() ? floatsAt + floatsLen : upperAt + upperLen);
        if (end + FOOTER != len) {
            throw new CorruptIndexException(file, footerAt, "file is " + len + " bytes, the header describes " + (end + FOOTER)
                    + " (truncated, extended, or counts damaged)");
        }
        MemorySegment nodes = region(file, m, 104, HEADER, nodesLen, 152, "nodes");
        MemorySegment upper = region(file, m, 120, upperAt, upperLen, 156, "upper levels");
        MemorySegment floats = config.quantized() ? region(file, m, 136, floatsAt, floatsLen, 160, "float vectors") : null;
        long dataEnd = config.quantized() ? floatsAt + floatsLen : upperAt + upperLen;
        requireZero(file, m, HEADER + nodesLen, upperAt);
        if (config.quantized()) requireZero(file, m, upperAt + upperLen, floatsAt);
        requireZero(file, m, dataEnd, end);
        GraphStore store = new GraphStore(config, arena, nodes, upper, floats, size, slots);
        return new HnswGraph(config, arena, store, size, slots, entry, deleted, (flags & 2) != 0);
    }

    private static void check(Path file, long at, int actual, int expected, String what) throws CorruptIndexException {
        if (actual != expected) {
            throw new CorruptIndexException(file, at, what + " is " + actual + ", expected " + expected + " for this configuration");
        }
    }

    private static void requireZero(Path file, MemorySegment m, long from, long to) throws CorruptIndexException {
        for (long p = from; p < to; p++) {
            if (m.get(ValueLayout.JAVA_BYTE, p) != 0) {
                throw new CorruptIndexException(file, p, "padding byte is not zero (disk fault?)");
            }
        }
    }

    private static MemorySegment region(Path file, MemorySegment m, long field, long expectedOff, long expectedLen,
                                        long crcField, String what) throws CorruptIndexException {
        long off = m.get(LONG, field);
        long len = m.get(LONG, field + 8);
        if (off != expectedOff || len != expectedLen) {
            throw new CorruptIndexException(file, field, what + " region is at " + off + " (+" + len + "), expected "
                    + expectedOff + " (+" + expectedLen + ")");
        }
        MemorySegment r = m.asSlice(off, len);
        int stored = m.get(INT, crcField);
        int actual = crc(r);
        if (stored != actual) {
            throw new CorruptIndexException(file, off, what + " region checksum mismatch: stored 0x" + Integer.toHexString(stored)
                    + ", computed 0x" + Integer.toHexString(actual) + " (disk fault or torn write?)");
        }
        return r;
    }
}
