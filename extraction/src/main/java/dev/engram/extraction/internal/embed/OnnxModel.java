package dev.engram.extraction.internal.embed;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.engram.extraction.embed.EmbeddingException;
import dev.engram.extraction.embed.EmbeddingModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session of a BERT-style encoder, loaded from a class-path resource, that maps a
 * {@link TokenBatch} to pooled unit vectors. Feeds {@code token_type_ids} (all zero) only when the
 * graph declares that input.
 *
 * <p>Thread-safe: ONNX Runtime allows concurrent {@code run} calls on one session. {@link #close()}
 * must not race with {@link #embed}: the owner guarantees no run is in flight when it closes.
 */
public final class OnnxModel implements AutoCloseable {
    private final EmbeddingModel model;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean hasTokenTypes;
    private final String outputName;
    private final int dim;
    private boolean closed;

    private OnnxModel(EmbeddingModel model, OrtEnvironment env, OrtSession session, boolean hasTokenTypes,
            String outputName, int dim) {
        this.model = model;
        this.env = env;
        this.session = session;
        this.hasTokenTypes = hasTokenTypes;
        this.outputName = outputName;
        this.dim = dim;
    }

    /**
     * Loads {@code model}'s ONNX graph from the class path.
     *
     * @param intraOpThreads threads ONNX Runtime may use inside one inference
     * @throws EmbeddingException if the artifact is missing or the graph is not a BERT encoder
     */
    public static OnnxModel load(EmbeddingModel model, int intraOpThreads, boolean allowSpinning) {
        byte[] bytes = readResource(model.onnxResource(), model);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Spinning workers cut latency but burn a core while idle between requests.
            options.addConfigEntry("session.intra_op.allow_spinning", allowSpinning ? "1" : "0");
            session = env.createSession(bytes, options);
            Map<String, NodeInfo> inputs = session.getInputInfo();
            for (String required : new String[] {"input_ids", "attention_mask"}) {
                if (!inputs.containsKey(required)) {
                    throw new EmbeddingException(model.onnxResource() + " has no input " + required + " (inputs: " + inputs.keySet() + ")");
                }
            }
            String output = session.getOutputInfo().containsKey("last_hidden_state")
                    ? "last_hidden_state" : session.getOutputNames().iterator().next();
            int dim = hiddenSize(session.getOutputInfo().get(output), model);
            if (dim != model.dimension()) {
                throw new EmbeddingException(model.onnxResource() + " produces " + dim + "-d vectors, expected " + model.dimension());
            }
            OnnxModel result = new OnnxModel(model, env, session, inputs.containsKey("token_type_ids"), output, dim);
            session = null;
            return result;
        } catch (OrtException e) {
            throw new EmbeddingException("cannot load " + model.onnxResource() + ": " + e.getMessage(), e);
        } finally {
            if (session != null) closeQuietly(session);
        }
    }

    private static int hiddenSize(NodeInfo info, EmbeddingModel model) {
        if (info.getInfo() instanceof TensorInfo t && t.getShape().length == 3 && t.getShape()[2] > 0) {
            return (int) t.getShape()[2];
        }
        throw new EmbeddingException(model.onnxResource() + ": output " + info.getName() + " is not [batch, tokens, hidden]: " + info.getInfo());
    }

    static byte[] readResource(String name, EmbeddingModel model) {
        ClassLoader loader = OnnxModel.class.getClassLoader();
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(name) : loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new EmbeddingException("model resource " + name + " not found on the class path: add the Maven artifact of "
                        + model + " (dev.langchain4j:langchain4j-embeddings-*)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new EmbeddingException("cannot read model resource " + name + ": " + e.getMessage(), e);
        }
    }

    /** Loads {@code model}'s tokenizer from the class path. */
    public static WordPieceTokenizer loadTokenizer(EmbeddingModel model) {
        byte[] bytes = readResource(model.tokenizerResource(), model);
        return WordPieceTokenizer.fromJson(new ByteArrayInputStream(bytes), model.tokenizerResource());
    }

    public boolean hasTokenTypes() {
        return hasTokenTypes;
    }

    /** Runs the encoder and returns one pooled unit vector per row. */
    public float[][] embed(TokenBatch batch) {
        long[] shape = {batch.rows(), batch.length()};
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.mask()), shape));
            if (hasTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch.ids().length]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                FloatBuffer buffer = hidden.getFloatBuffer();
                return Pooling.pool(buffer, batch, dim, model.pooling());
            }
        } catch (OrtException e) {
            throw new EmbeddingException(model.modelId() + ": inference failed on a batch of " + batch.rows() + "×" + batch.length()
                    + " tokens: " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : inputs.values()) t.close();
        }
    }

    /** Closes the session. Idempotent. The environment is process-wide and stays open. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing releases native memory; a failure here leaves nothing to recover.
        }
    }
}
