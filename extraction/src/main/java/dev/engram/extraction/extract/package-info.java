/**
 * Memory extraction: turns conversation turns into typed memory candidates.
 *
 * <p>{@link dev.engram.extraction.extract.Extractor} is the seam; {@link
 * dev.engram.extraction.extract.RuleBasedExtractor} is the offline default and {@link
 * dev.engram.extraction.extract.OpenAiCompatibleExtractor} calls any OpenAI-compatible chat
 * endpoint (and also offers the reconcile decision). Inputs are {@link
 * dev.engram.extraction.extract.Turn}s in an {@link dev.engram.extraction.extract.ExtractionRequest};
 * outputs are {@link dev.engram.extraction.extract.Candidate}s; failures are {@link
 * dev.engram.extraction.extract.ExtractionException}s with a reason. The engine owns the domain
 * model and maps these small types onto it. Rules, slot keys, date conventions and the LLM protocol
 * are described in {@code docs/extraction.md}.
 */
package dev.engram.extraction.extract;
