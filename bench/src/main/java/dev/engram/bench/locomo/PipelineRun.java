package dev.engram.bench.locomo;

import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Temporary: runs only the full-pipeline system. */
public final class PipelineRun {
    public static void main(String[] args) throws Exception {
        List<LocomoData.Conversation> data = LocomoData.read(Path.of(args[0]));
        if (args.length > 1) data = data.subList(0, Integer.parseInt(args[1]));
        try (OnnxEmbedder e = OnnxEmbedder.load(EmbeddingModel.defaultModel()); EngramPipeline p = new EngramPipeline("engram", e)) {
            long t0 = System.nanoTime();
            Map<String, EvidenceRecall> r = LocomoHarness.run(data, List.of(p));
            System.out.println(EvidenceRecall.header(24));
            System.out.println(r.get("engram").row("engram", 24));
            System.out.printf("failed=%d %.1fs%n", p.failed(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
