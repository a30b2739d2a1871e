package dev.engram.bench.hnsw;

import dev.engram.bench.data.Datasets;

public final class HnswSuite {
    public static void main(String[] args) {
        var d = Datasets.real(100_000);
        System.out.println(d.base().length);
    }
}
