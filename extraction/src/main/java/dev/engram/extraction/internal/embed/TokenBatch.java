package dev.engram.extraction.internal.embed;

import java.util.List;

/**
 * Token sequences padded to the longest one in the batch (never to a fixed length: padding
 * costs attention compute), as the flat row-major {@code long} arrays ONNX Runtime takes.
 *
 * <p>Immutable after construction; the arrays are shared, not copied: do not modify them.
 *
 * @param ids       {@code rows × length} token ids, pad id 0
 * @param mask      {@code rows × length} attention mask: 1 for real tokens, 0 for padding
 * @param rows      number of sequences
 * @param length    padded sequence length
 * @param lengths   real length of each sequence
 */
public record TokenBatch(long[] ids, long[] mask, int rows, int length, int[] lengths) {

    /** Pads {@code sequences} (non-empty) to the longest. */
    public static TokenBatch of(List<int[]> sequences) {
        int rows = sequences.size();
        if (rows == 0) throw new IllegalArgumentException("empty batch");
        int length = 0;
        for (int[] s : sequences) length = Math.max(length, s.length);
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        int[] lengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            int[] s = sequences.get(r);
            lengths[r] = s.length;
            int base = r * length;
            for (int t = 0; t < s.length; t++) {
                ids[base + t] = s[t];
                mask[base + t] = 1;
            }
        }
        return new TokenBatch(ids, mask, rows, length, lengths);
    }

    /** Total padded tokens, the unit of inference cost. */
    public long paddedTokens() {
        return (long) rows * length;
    }
}
