/**
 * Engram extraction: turns conversation into typed memory candidates.
 *
 * <p>Only the API package is exported; rules, date resolution and the LLM protocol live in
 * {@code dev.engram.extraction.internal.extract}.
 */
module dev.engram.extraction {
    requires com.fasterxml.jackson.databind;
    requires java.net.http;

    exports dev.engram.extraction.extract;
}
