/**
 * The Engram memory engine: the domain model ({@code dev.engram.memory}) and, internally, the
 * per-user store, its file formats and indexes. Only API packages are exported.
 */
module dev.engram.engine {
    requires transitive dev.engram.wal;
    requires transitive dev.engram.extraction;
    requires dev.engram.index;
    requires com.fasterxml.jackson.databind;
    requires roaringbitmap;
    requires org.lz4.java;
    requires chronicle.map;
    requires org.apache.lucene.core;
    requires org.apache.lucene.analysis.common;

    exports dev.engram;
    exports dev.engram.memory;
}
