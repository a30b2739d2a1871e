package dev.engram.extraction.embed;

import java.util.List;

/**
 * Turns text into unit-length vectors for similarity search.
 *
 * <p>Every vector an embedder returns has {@link #dimension()} components and a Euclidean norm of
 * 1 (within float rounding), so cosine similarity is the dot product. Vectors of different
 * {@link #modelId() models} are not comparable: store the model id with every vector and never
 * mix them in one index.
 *
 * <p>Input is never rejected for its length: text longer than the model's limit is truncated
 * (its beginning is embedded). The empty string is valid input. {@code null} is not: it raises
 * {@link NullPointerException}.
 *
 * <p><b>Thread-safety:</b> implementations are thread-safe; any number of threads may call the
 * embedding methods concurrently. After {@link #close()}, they throw
 * {@link EmbedderClosedException}.
 */
public interface Embedder extends AutoCloseable {

    /** Number of components in every vector this embedder returns. */
    int dimension();

    /** Identifies the model (and its quantization), e.g. {@code "bge-small-en-v1.5-int8"}. */
    String modelId();

    /** Embeds a passage: a memory, a document, a conversation turn. */
    float[] embed(String text);

    /**
     * Embeds a search query. For models trained with a query instruction (bge) this may prepend
     * it, when that was measured to retrieve better; otherwise it is the same as {@link #embed}.
     */
    float[] embedQuery(String text);

    /** Embeds passages; the result has the same order and size as {@code texts}. */
    List<float[]> embedBatch(List<String> texts);

    /** Releases native resources. Idempotent; waits for running inferences to finish. */
    @Override
    void close();
}
