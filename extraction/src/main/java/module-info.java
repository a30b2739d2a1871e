/**
 * Local embeddings and memory extraction.
 *
 * <p>{@code dev.engram.extraction.embed}: text to unit vectors with a local ONNX model. The models
 * come from the {@code langchain4j-embeddings-*} artifacts and are read as class-path resources
 * (they sit at the root of those jars, in no package). On the module path, put those jars on the
 * class path or resolve them with {@code --add-modules}.
 *
 * <p>{@code dev.engram.extraction.extract}: conversation to typed memory candidates. Rules, date
 * resolution and the LLM protocol live in {@code dev.engram.extraction.internal.extract}.
 */
module dev.engram.extraction {
    requires com.microsoft.onnxruntime;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;

    exports dev.engram.extraction.embed;
    exports dev.engram.extraction.extract;
}
