package dev.engram.bench.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.internal.embed.TokenBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The baseline our pipeline is measured against: a bare ONNX Runtime session with the same
 * options, fed already-tokenized, already-padded inputs, returning the raw hidden state. No
 * tokenizer, no batching queue, no pooling. Thread-safe like the session it wraps.
 */
final class RawOnnx implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final boolean tokenTypes;

    /** A session over {@code onnx} with the given options (closed here). */
    RawOnnx(byte[] onnx, OrtSession.SessionOptions options) throws OrtException {
        try (options) {
            session = env.createSession(onnx, options);
        }
        tokenTypes = session.getInputNames().contains("token_type_ids");
    }

    RawOnnx(EmbeddingModel model, int threads) throws OrtException {
        byte[] bytes;
        try (InputStream in = RawOnnx.class.getClassLoader().getResourceAsStream(model.onnxResource())) {
            if (in == null) throw new IllegalStateException(model.onnxResource() + " not on the class path");
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = env.createSession(bytes, options);
        }
        tokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /** Runs one padded batch; returns the first hidden value so the JIT cannot drop the work. */
    float run(TokenBatch batch) throws OrtException {
        long[] shape = {batch.rows(), batch.length()};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.mask()), shape));
            if (tokenTypes) inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch.ids().length]), shape));
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                return hidden.get(0);
            }
        } finally {
            for (OnnxTensor t : inputs.values()) t.close();
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
