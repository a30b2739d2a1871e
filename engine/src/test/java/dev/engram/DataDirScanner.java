package dev.engram;

import dev.engram.internal.format.BlockFileReader;
import dev.engram.io.CorruptFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks for needles in every byte of a data directory: every file, recursively, raw, and for the
 * engine's block files (segments, lexical, bitmaps, manifests, markers: any file whose header
 * parses) also every block's payload decompressed. For tests.
 */
final class DataDirScanner {
    private final List<byte[]> contents = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    DataDirScanner(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                byte[] data = Files.readAllBytes(p);
                contents.add(data);
                names.add(p.toString());
                for (byte[] payload : blockPayloads(data, p.toString())) {
                    contents.add(payload);
                    names.add(p + " (decompressed block)");
                }
            }
        }
    }

    /** The files (or decompressed blocks) holding {@code needle}; empty when none does. */
    List<String> find(byte[] needle) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < contents.size(); i++) if (indexOf(contents.get(i), needle) >= 0) out.add(names.get(i));
        return out;
    }

    List<String> find(String text) {
        return find(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Where the first floats of {@code vector} appear, in either byte order. */
    List<String> findVector(float[] vector) {
        List<String> out = new ArrayList<>();
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            ByteBuffer b = ByteBuffer.allocate(6 * 4).order(order);
            for (int i = 0; i < 6; i++) b.putFloat(vector[i]);
            out.addAll(find(b.array()));
        }
        return out;
    }

    private static List<byte[]> blockPayloads(byte[] data, String file) {
        List<byte[]> out = new ArrayList<>();
        if (data.length < 13) return out;
        int magic = ByteBuffer.wrap(data).getInt(0);
        int nameLength = data[4] & 0xFF;
        if (nameLength < 1 || nameLength > 64 || data.length < 9 + nameLength) return out;
        String name = new String(data, 5, nameLength, StandardCharsets.US_ASCII);
        if (!name.startsWith("engram.")) return out;
        int version = ByteBuffer.wrap(data).getInt(5 + nameLength);
        try {
            BlockFileReader.Parsed p = BlockFileReader.parse(data, data.length, file, magic, name, version, version,
                    BlockFileReader.Mode.RECOVER);
            for (int i = 0; i < p.blocks().size(); i++) {
                try {
                    out.add(p.payload(i));
                } catch (CorruptFileException | RuntimeException e) {
                    // not a data block
                }
            }
        } catch (CorruptFileException | RuntimeException e) {
            // not a block file (the WAL, the vector index, the audit log): the raw scan covers it
        }
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
