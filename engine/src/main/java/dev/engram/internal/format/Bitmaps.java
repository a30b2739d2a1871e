package dev.engram.internal.format;

import dev.engram.io.CorruptFileException;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.roaringbitmap.RoaringBitmap;

/**
 * RoaringBitmap fields in Engram formats: a varint byte length, then the bitmap in Roaring's
 * portable serialization (interoperable with the C, Go and Rust implementations). Stateless.
 */
public final class Bitmaps {
    private Bitmaps() {}

    public static void write(ByteWriter out, RoaringBitmap bitmap) {
        RoaringBitmap copy = bitmap.clone();
        copy.runOptimize();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(copy.serializedSizeInBytes());
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            copy.serialize(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream
        }
        out.varint(bytes.size()).bytes(bytes.toByteArray());
    }

    public static RoaringBitmap read(ByteReader in) throws CorruptFileException {
        int n = in.varint(in.remaining());
        long at = in.offset();
        byte[] bytes = in.bytes(n);
        RoaringBitmap bitmap = new RoaringBitmap();
        try {
            bitmap.deserialize(ByteBuffer.wrap(bytes));
        } catch (IOException | RuntimeException e) {
            throw Corruption.of(in.file(), at, "bitmap does not deserialize: " + e, "file damaged?");
        }
        if (bitmap.serializedSizeInBytes() > n) {
            throw Corruption.of(in.file(), at, "bitmap is longer than its field", "file damaged?");
        }
        return bitmap;
    }
}
