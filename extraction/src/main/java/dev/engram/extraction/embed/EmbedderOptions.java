package dev.engram.extraction.embed;

/**
 * How an {@link OnnxEmbedder} uses the machine. Immutable; build with {@link #builder()}.
 *
 * <ul>
 *   <li>{@code threads}: ONNX Runtime intra-op threads per inference (default: the available
 *       processors, at most 4).
 *   <li>{@code poolSize}: most inferences running at once on the shared session (default 1).
 *       Callers beyond that wait and have their texts batched together. Total CPU threads used
 *       are about {@code threads × poolSize}.
 *   <li>{@code maxBatchSize}: most texts in one inference (default: the model's
 *       {@link EmbeddingModel#defaultMaxBatchSize()}, 1 for int8 and 8 for fp32).
 *   <li>{@code maxBatchTokens}: most padded tokens ({@code texts × longest}) in one inference
 *       (default 8192), which bounds the memory of long inputs.
 *   <li>{@code queryInstruction}: whether {@link Embedder#embedQuery} prepends the model's query
 *       instruction; {@code null} (default) means the measured choice recorded in
 *       docs/embeddings.md.
 *   <li>{@code spinning}: whether idle ONNX Runtime workers spin (lower latency, burns CPU
 *       between requests; default false).
 * </ul>
 */
public final class EmbedderOptions {
    private final int threads;
    private final int poolSize;
    private final Integer maxBatchSize;
    private final int maxBatchTokens;
    private final Boolean queryInstruction;
    private final boolean spinning;

    private EmbedderOptions(Builder b) {
        this.threads = b.threads;
        this.poolSize = b.poolSize;
        this.maxBatchSize = b.maxBatchSize;
        this.maxBatchTokens = b.maxBatchTokens;
        this.queryInstruction = b.queryInstruction;
        this.spinning = b.spinning;
    }

    /** The defaults described in the class comment. */
    public static EmbedderOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int threads() {
        return threads;
    }

    public int poolSize() {
        return poolSize;
    }

    /** {@code null} when the model's default applies. */
    public Integer maxBatchSize() {
        return maxBatchSize;
    }

    /** The batch size in force for {@code model}. */
    public int maxBatchSize(EmbeddingModel model) {
        return maxBatchSize != null ? maxBatchSize : model.defaultMaxBatchSize();
    }

    public int maxBatchTokens() {
        return maxBatchTokens;
    }

    /** {@code null} when the model's measured default applies. */
    public Boolean queryInstruction() {
        return queryInstruction;
    }

    public boolean spinning() {
        return spinning;
    }

    @Override
    public String toString() {
        return "EmbedderOptions[threads=" + threads + ", poolSize=" + poolSize + ", maxBatchSize=" + maxBatchSize
                + ", maxBatchTokens=" + maxBatchTokens + ", queryInstruction=" + queryInstruction + ", spinning=" + spinning + "]";
    }

    /** Not thread-safe. */
    public static final class Builder {
        private int threads = Math.min(4, Runtime.getRuntime().availableProcessors());
        private int poolSize = 1;
        private Integer maxBatchSize;
        private int maxBatchTokens = 8192;
        private Boolean queryInstruction;
        private boolean spinning;

        private Builder() {}

        public Builder threads(int threads) {
            this.threads = positive("threads", threads);
            return this;
        }

        public Builder poolSize(int poolSize) {
            this.poolSize = positive("poolSize", poolSize);
            return this;
        }

        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = positive("maxBatchSize", maxBatchSize);
            return this;
        }

        /** At least 512, so one text of the longest model limit always fits. */
        public Builder maxBatchTokens(int maxBatchTokens) {
            if (maxBatchTokens < 512) throw new IllegalArgumentException("maxBatchTokens must be at least 512, got " + maxBatchTokens);
            this.maxBatchTokens = maxBatchTokens;
            return this;
        }

        /** Forces {@link Embedder#embedQuery} to use (or skip) the model's query instruction. */
        public Builder queryInstruction(boolean use) {
            this.queryInstruction = use;
            return this;
        }

        public Builder spinning(boolean spinning) {
            this.spinning = spinning;
            return this;
        }

        public EmbedderOptions build() {
            return new EmbedderOptions(this);
        }

        private static int positive(String name, int value) {
            if (value < 1) throw new IllegalArgumentException(name + " must be positive, got " + value);
            return value;
        }
    }
}
