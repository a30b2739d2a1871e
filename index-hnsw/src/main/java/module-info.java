/**
 * Engram's vector index: off-heap HNSW and exact SIMD scan. Only {@code dev.engram.index} is API;
 * everything under {@code dev.engram.index.internal} may change without notice.
 */
module dev.engram.index {
    requires jdk.incubator.vector;
    requires transitive roaringbitmap; // SearchOptions.withFilter takes a RoaringBitmap

    exports dev.engram.index;
}
