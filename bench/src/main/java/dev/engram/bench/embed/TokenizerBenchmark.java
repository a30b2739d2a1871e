package dev.engram.bench.embed;

import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.internal.embed.OnnxModel;
import dev.engram.extraction.internal.embed.WordPieceTokenizer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/** JMH: our WordPiece tokenizer, one call per sentence, on the suite's sentences. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenizerBenchmark {
    @Param({"short", "long"})
    public String input;

    private WordPieceTokenizer tokenizer;
    private List<String> texts;
    private int next;

    @Setup
    public void setUp() {
        tokenizer = OnnxModel.loadTokenizer(EmbeddingModel.BGE_SMALL_EN_V15_Q);
        texts = input.equals("short") ? Sentences.generate(512, 7)
                : Sentences.generate(512, 7).stream().map(s -> (s + " Café naïve 東京 🎉 ").repeat(12)).toList();
    }

    /** Tokenizes one text (cycling through the set) at bge's 512-token limit. */
    @Benchmark
    public void encode(Blackhole bh) {
        bh.consume(tokenizer.encode(texts.get(next++ & 511), 512));
    }
}
