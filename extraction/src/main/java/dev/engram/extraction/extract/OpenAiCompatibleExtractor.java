package dev.engram.extraction.extract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.extraction.internal.extract.llm.CandidateParser;
import dev.engram.extraction.internal.extract.llm.ChatTransport;
import dev.engram.extraction.internal.extract.llm.DecisionParser;
import dev.engram.extraction.internal.extract.llm.Prompts;
import java.util.List;
import java.util.Objects;

/**
 * An extractor backed by any OpenAI-compatible {@code /v1/chat/completions} endpoint (OpenAI,
 * Ollama, vLLM, llama.cpp server). It asks for JSON constrained by a schema where the server
 * supports it (falling back to plain JSON mode), validates every field of the answer, and fails
 * with a typed {@link ExtractionException} rather than return part of a malformed answer. The
 * protocol (prompts, schemas, retries) is described in {@code docs/extraction.md}.
 *
 * <pre>{@code
 * var config = OpenAiCompatibleConfig.builder(URI.create("http://localhost:11434/v1"), "qwen2.5:7b").build();
 * try (var llm = new OpenAiCompatibleExtractor(config)) {
 *     List<Candidate> candidates = llm.extract(ExtractionRequest.of(turns));
 * }
 * }</pre>
 *
 * <p>Thread-safe: one instance serves concurrent callers (each call is one HTTP exchange, plus
 * retries, on the calling thread). {@link #close()} releases the HTTP client; calling it twice is
 * harmless.
 */
public final class OpenAiCompatibleExtractor implements Extractor, AutoCloseable {

    private final OpenAiCompatibleConfig config;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ChatTransport transport;
    private final ObjectNode extractionFormat;
    private final ObjectNode reconcileFormat;

    public OpenAiCompatibleExtractor(OpenAiCompatibleConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.transport = new ChatTransport(config, mapper);
        this.extractionFormat = Prompts.extractionFormat(mapper);
        this.reconcileFormat = Prompts.reconcileFormat(mapper);
    }

    @Override
    public String id() {
        return "openai:" + config.model();
    }

    /** {@inheritDoc} A request without new turns returns an empty list without calling the server. */
    @Override
    public List<Candidate> extract(ExtractionRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.newTurns().isEmpty()) {
            return List.of();
        }
        ObjectNode body = Prompts.body(mapper, config.model(), config.temperature(), Prompts.EXTRACT_SYSTEM,
                Prompts.extractionInput(mapper, request));
        String content = transport.complete(body, extractionFormat);
        return CandidateParser.parse(mapper, content, request, config.maxTextChars());
    }

    /**
     * Decides what to do with {@code candidate} given the user's most similar existing memories. With
     * no existing memories the answer is {@code ADD} and the server is not called.
     *
     * @return at least one decision; targets are ids of {@code existing}, each acted on at most once
     * @throws ExtractionException as {@link #extract}
     */
    @Override
    public List<ReconcileDecision> reconcile(Candidate candidate, List<KnownMemory> existing) {
        Objects.requireNonNull(candidate, "candidate");
        List<KnownMemory> known = List.copyOf(Objects.requireNonNull(existing, "existing"));
        if (known.isEmpty()) {
            return List.of(new ReconcileDecision(ReconcileAction.ADD, null, candidate.text()));
        }
        ObjectNode body = Prompts.body(mapper, config.model(), config.temperature(), Prompts.RECONCILE_SYSTEM,
                Prompts.reconcileInput(mapper, candidate, known));
        String content = transport.complete(body, reconcileFormat);
        return DecisionParser.parse(mapper, content, known, config.maxTextChars());
    }

    /** Whether the server rejected schema-constrained output, so plain JSON mode is in use. */
    public boolean usesJsonObjectFallback() {
        return transport.usesJsonObjectFallback();
    }

    @Override
    public void close() {
        transport.close();
    }
}
