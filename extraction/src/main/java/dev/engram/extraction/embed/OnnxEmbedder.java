package dev.engram.extraction.embed;

import dev.engram.extraction.internal.embed.DynamicBatcher;
import dev.engram.extraction.internal.embed.OnnxModel;
import dev.engram.extraction.internal.embed.WordPieceTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An {@link Embedder} running one of the {@link EmbeddingModel}s on ONNX Runtime (CPU), with our
 * own WordPiece tokenizer read from the model's {@code tokenizer.json}.
 *
 * <p>One ONNX session is shared by all callers; at most {@link EmbedderOptions#poolSize()}
 * inferences run at once and callers that arrive meanwhile are batched together (see
 * {@link EmbedderOptions}). Texts longer than the model's limit are truncated to their first
 * {@link EmbeddingModel#maxTokens()} tokens. Each batch is padded to its longest text only.
 *
 * <p><b>Thread-safety:</b> thread-safe. {@link #close()} is idempotent, waits for running
 * inferences, and makes later and still-queued calls throw {@link EmbedderClosedException}.
 * Nothing is downloaded and nothing is written outside the JVM's temporary directory (where
 * ONNX Runtime unpacks its native library).
 */
public final class OnnxEmbedder implements Embedder {
    private final EmbeddingModel model;
    private final EmbedderOptions options;
    private final WordPieceTokenizer tokenizer;
    private final OnnxModel onnx;
    private final DynamicBatcher batcher;
    private final boolean queryInstruction;
    private final Object closeLock = new Object();
    private boolean closed;

    private OnnxEmbedder(EmbeddingModel model, EmbedderOptions options, WordPieceTokenizer tokenizer, OnnxModel onnx) {
        this.model = model;
        this.options = options;
        this.tokenizer = tokenizer;
        this.onnx = onnx;
        this.batcher = new DynamicBatcher(onnx::embed, model.modelId(), options.poolSize(), options.maxBatchSize(model),
                options.maxBatchTokens());
        Boolean forced = options.queryInstruction();
        this.queryInstruction = !model.queryInstruction().isEmpty()
                && (forced != null ? forced : model.queryInstructionByDefault());
    }

    /** Loads {@code model} with {@link EmbedderOptions#defaults()}. */
    public static OnnxEmbedder load(EmbeddingModel model) {
        return load(model, EmbedderOptions.defaults());
    }

    /**
     * Loads {@code model} from its artifact on the class path.
     *
     * @throws EmbeddingException if the artifact is missing or cannot be loaded
     */
    public static OnnxEmbedder load(EmbeddingModel model, EmbedderOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        WordPieceTokenizer tokenizer = OnnxModel.loadTokenizer(model);
        OnnxModel onnx = OnnxModel.load(model, options.threads(), options.spinning());
        return new OnnxEmbedder(model, options, tokenizer, onnx);
    }

    public EmbeddingModel model() {
        return model;
    }

    public EmbedderOptions options() {
        return options;
    }

    /** Whether {@link #embedQuery} prepends the model's query instruction. */
    public boolean usesQueryInstruction() {
        return queryInstruction;
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    @Override
    public float[] embed(String text) {
        Objects.requireNonNull(text, "text");
        return batcher.run(List.of(tokenizer.encode(text, model.maxTokens())))[0];
    }

    @Override
    public float[] embedQuery(String text) {
        Objects.requireNonNull(text, "text");
        return embed(queryInstruction ? model.queryInstruction() + text : text);
    }

    @Override
    public List<float[]> embedBatch(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        int n = texts.size();
        int[][] tokens = new int[n][];
        for (int i = 0; i < n; i++) {
            String text = Objects.requireNonNull(texts.get(i), () -> "texts contains null");
            tokens[i] = tokenizer.encode(text, model.maxTokens());
        }
        // Longest first, so each batch holds texts of similar length and pads little.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> tokens[i].length).reversed());
        List<int[]> sorted = new ArrayList<>(n);
        for (Integer i : order) sorted.add(tokens[i]);
        float[][] vectors = batcher.run(sorted);
        float[][] result = new float[n][];
        for (int k = 0; k < n; k++) result[order[k]] = vectors[k];
        return Arrays.asList(result);
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) return;
            closed = true;
        }
        try {
            batcher.close();
        } finally {
            onnx.close();
        }
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + model.modelId() + ", " + options + "]";
    }
}
