package dev.engram.extraction.embed;

/**
 * The sentence-embedding models Engram ships, each read from its Maven artifact on the class path
 * ({@code dev.langchain4j:langchain4j-embeddings-*}; nothing is downloaded at run time).
 *
 * <p>Each constant fixes what makes its vectors right: the ONNX file and {@code tokenizer.json}
 * resource names, the pooling (bge: the {@code [CLS]} token; MiniLM: the mean over tokens), the
 * token limit (the sentence-transformers {@code max_seq_length} of the model) and, for bge, the
 * instruction its authors prepend to retrieval queries. The {@code _Q} constants are the
 * dynamically quantized (int8) exports: 3–4× smaller and about 3× faster than fp32, and their
 * output depends slightly on which other texts share a batch (cosine ≈ 0.99 to the same text
 * embedded alone).
 *
 * <p>The default ({@link #defaultModel()}) was chosen by measured retrieval quality on LoCoMo and
 * latency; see {@code docs/embeddings.md}. Immutable, like every enum: safe from any thread.
 */
public enum EmbeddingModel {
    /** BAAI bge-small-en-v1.5, int8 (MIT). The default. */
    BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-int8", "bge-small-en-v1.5-q", Pooling.CLS, 512,
            "Represent this sentence for searching relevant passages: ", false, 1),
    /** BAAI bge-small-en-v1.5, fp32 (MIT). */
    BGE_SMALL_EN_V15("bge-small-en-v1.5", "bge-small-en-v1.5", Pooling.CLS, 512,
            "Represent this sentence for searching relevant passages: ", false, 8),
    /** sentence-transformers all-MiniLM-L6-v2, int8 (Apache-2.0). */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-int8", "all-minilm-l6-v2-q", Pooling.MEAN, 256, "", false, 1),
    /** sentence-transformers all-MiniLM-L6-v2, fp32 (Apache-2.0). */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2", Pooling.MEAN, 256, "", false, 8);

    /** How a model's token vectors become one sentence vector (before normalization). */
    public enum Pooling {
        /** The hidden state of the first ({@code [CLS]}) token. */
        CLS,
        /** The mean of the hidden states of the real (unpadded) tokens. */
        MEAN
    }

    private final String modelId;
    private final String resourceBase;
    private final Pooling pooling;
    private final int maxTokens;
    private final String queryInstruction;
    private final boolean queryInstructionByDefault;
    private final int defaultMaxBatchSize;

    EmbeddingModel(String modelId, String resourceBase, Pooling pooling, int maxTokens, String queryInstruction,
            boolean queryInstructionByDefault, int defaultMaxBatchSize) {
        this.modelId = modelId;
        this.resourceBase = resourceBase;
        this.pooling = pooling;
        this.maxTokens = maxTokens;
        this.queryInstruction = queryInstruction;
        this.queryInstructionByDefault = queryInstructionByDefault;
        this.defaultMaxBatchSize = defaultMaxBatchSize;
    }

    /** The model chosen by measurement (docs/embeddings.md): bge-small-en-v1.5 int8. */
    public static EmbeddingModel defaultModel() {
        return BGE_SMALL_EN_V15_Q;
    }

    /** The id stored with every vector of this model. */
    public String modelId() {
        return modelId;
    }

    /** Vector dimension: 384 for all four models. */
    public int dimension() {
        return 384;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** Longest token sequence fed to the model, {@code [CLS]} and {@code [SEP]} included. */
    public int maxTokens() {
        return maxTokens;
    }

    /** The instruction the model's authors prepend to queries, or "" when the model has none. */
    public String queryInstruction() {
        return queryInstruction;
    }

    /**
     * Whether {@link Embedder#embedQuery} prepends {@link #queryInstruction()} unless the options
     * say otherwise: the choice measured on LoCoMo (docs/embeddings.md).
     */
    public boolean queryInstructionByDefault() {
        return queryInstructionByDefault;
    }

    /**
     * Texts per inference unless the options say otherwise. Measured (docs/embeddings.md): on
     * this class of CPU the int8 models run no faster in batches than one text at a time, and
     * alone their output does not depend on other texts, so int8 defaults to 1 (identical
     * vectors for identical texts, always); fp32 gains from small batches and defaults to 8.
     */
    public int defaultMaxBatchSize() {
        return defaultMaxBatchSize;
    }

    /** Class-path resource name of the ONNX graph. */
    public String onnxResource() {
        return resourceBase + ".onnx";
    }

    /** Class-path resource name of the HuggingFace {@code tokenizer.json}. */
    public String tokenizerResource() {
        return resourceBase + "-tokenizer.json";
    }
}
