package dev.engram.bench.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A cached matrix of 32-bit values (float vectors or int neighbour lists) for the benchmarks.
 *
 * <p>Layout, little-endian: magic {@code "EGMX"} (4 bytes), format version (int, 1), kind (int:
 * 'F' floats, 'I' ints), rows (int), columns (int), key length (int) and key (UTF-8: what the
 * data was made from, e.g. corpus fingerprint and model), then rows × columns values, then a
 * CRC32C (int) of every byte before it. A file whose key differs from the caller's is stale;
 * a file that is short or fails its checksum is reported as corrupt (and rebuilt by the caller).
 * Written to a temporary file and moved into place, so a crash leaves no half-written cache.
 */
public final class MatrixFile {
    private static final int MAGIC = 0x584D4745; // "EGMX" little-endian
    private static final int VERSION = 1;

    private MatrixFile() {}

    public static void writeFloats(Path file, String key, float[][] rows) throws IOException {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        ByteBuffer body = header('F', rows.length, cols, key);
        for (float[] r : rows) for (float v : r) body.putFloat(v);
        finish(file, body);
    }

    public static void writeInts(Path file, String key, int[][] rows) throws IOException {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        ByteBuffer body = header('I', rows.length, cols, key);
        for (int[] r : rows) for (int v : r) body.putInt(v);
        finish(file, body);
    }

    /** The floats, or null when the file is missing, stale (other key) or corrupt. */
    public static float[][] readFloats(Path file, String key) throws IOException {
        ByteBuffer b = open(file, 'F', key);
        if (b == null) return null;
        int rows = b.getInt(16), cols = b.getInt(20);
        float[][] out = new float[rows][cols];
        for (float[] r : out) for (int j = 0; j < cols; j++) r[j] = b.getFloat();
        return out;
    }

    /** The ints, or null when the file is missing, stale (other key) or corrupt. */
    public static int[][] readInts(Path file, String key) throws IOException {
        ByteBuffer b = open(file, 'I', key);
        if (b == null) return null;
        int rows = b.getInt(16), cols = b.getInt(20);
        int[][] out = new int[rows][cols];
        for (int[] r : out) for (int j = 0; j < cols; j++) r[j] = b.getInt();
        return out;
    }

    private static ByteBuffer header(char kind, int rows, int cols, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        long size = 28L + k.length + 4L * rows * cols + 4;
        if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("matrix too large: " + size + " bytes");
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(kind).putInt(0).putInt(rows).putInt(cols).putInt(k.length).put(k);
        return b;
    }

    private static void finish(Path file, ByteBuffer body) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(body.array(), 0, body.position());
        body.putInt((int) crc.getValue());
        body.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (body.hasRemaining()) ch.write(body);
            ch.force(true);
            ok = true;
        } finally {
            if (!ok) Files.deleteIfExists(tmp);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ByteBuffer open(Path file, char kind, String key) throws IOException {
        if (!Files.exists(file)) return null;
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 32 || b.getInt(0) != MAGIC || b.getInt(4) != VERSION || b.getInt(8) != kind) {
            System.err.println(file + ": not a version-" + VERSION + " matrix file of kind " + kind + "; rebuilding");
            return null;
        }
        int rows = b.getInt(16), cols = b.getInt(20), keyLen = b.getInt(24);
        long expected = 28L + keyLen + 4L * rows * cols + 4;
        if (expected != all.length) {
            System.err.println(file + ": length " + all.length + ", expected " + expected + " (file truncated?); rebuilding");
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        int stored = b.getInt(all.length - 4);
        if (stored != (int) crc.getValue()) {
            System.err.printf("%s: checksum mismatch at offset %d, expected %08x, found %08x (file truncated? disk fault?); rebuilding%n",
                    file, all.length - 4, (int) crc.getValue(), stored);
            return null;
        }
        String storedKey = new String(all, 28, keyLen, StandardCharsets.UTF_8);
        if (!storedKey.equals(key)) {
            System.err.println(file + ": made from other input (" + storedKey + "), rebuilding for " + key);
            return null;
        }
        b.position(28 + keyLen);
        return b;
    }
}
