package dev.engram.extraction.internal.embed;

import dev.engram.extraction.embed.EmbeddingModel;
import java.nio.FloatBuffer;

/**
 * Sentence vectors from a model's last hidden state {@code [rows, length, dim]}: CLS or masked
 * mean pooling, then L2 normalization. Stateless and thread-safe.
 */
public final class Pooling {
    private Pooling() {}

    /** Pools and normalizes each row of {@code hidden} (read from position 0, row-major). */
    public static float[][] pool(FloatBuffer hidden, TokenBatch batch, int dim, EmbeddingModel.Pooling pooling) {
        float[][] out = new float[batch.rows()][];
        int rowStride = batch.length() * dim;
        for (int r = 0; r < batch.rows(); r++) {
            float[] v = new float[dim];
            int base = r * rowStride;
            if (pooling == EmbeddingModel.Pooling.CLS) {
                hidden.get(base, v);
            } else {
                // Padding is at the end of each row, so the real tokens are the first lengths[r].
                int n = batch.lengths()[r];
                for (int t = 0; t < n; t++) {
                    int off = base + t * dim;
                    for (int d = 0; d < dim; d++) v[d] += hidden.get(off + d);
                }
                float inv = 1f / Math.max(n, 1);
                for (int d = 0; d < dim; d++) v[d] *= inv;
            }
            out[r] = normalize(v);
        }
        return out;
    }

    /** Scales {@code v} to unit length in place; a zero vector stays zero. Returns {@code v}. */
    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) sum += (double) x * x;
        if (sum == 0) return v;
        float inv = (float) (1.0 / Math.sqrt(sum));
        for (int i = 0; i < v.length; i++) v[i] *= inv;
        return v;
    }
}
