package dev.engram.bench.hnsw;

import java.util.List;

/** The indexes under test, by name. */
final class Libraries {
    /** In table order; the engram worker also measures Engram's exact scan ("engram-exact"). */
    static final List<String> ALL = List.of("engram", "lucene", "jvector", "hnswlib");

    private Libraries() {}

    static AnnIndex create(String name) {
        return switch (name) {
            case "engram" -> new EngramAnn();
            case "lucene" -> new LuceneAnn();
            case "jvector" -> new JVectorAnn();
            case "hnswlib" -> new HnswlibAnn();
            default -> throw new IllegalArgumentException("unknown library " + name + " (known: " + ALL + ")");
        };
    }

    static boolean available(String name) {
        try {
            create(name);
            return true;
        } catch (IllegalArgumentException | LinkageError e) {
            return false;
        }
    }
}
