/**
 * Local embeddings and memory extraction.
 *
 * <p>The ONNX models come from the {@code langchain4j-embeddings-*} artifacts and are read as
 * class-path resources (they sit at the root of those jars, in no package). On the module path,
 * put those jars on the class path or resolve them with {@code --add-modules}.
 */
module dev.engram.extraction {
    requires com.microsoft.onnxruntime;
    requires com.fasterxml.jackson.databind;

    exports dev.engram.extraction.embed;
}
