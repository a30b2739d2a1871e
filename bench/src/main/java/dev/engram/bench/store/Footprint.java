package dev.engram.bench.store;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/** Disk and memory footprint helpers for {@link StoreSuite}. Stateless. */
final class Footprint {
    private Footprint() {}

    /** Bytes by kind under {@code root}: apparent sizes, and sizes rounded up to 4 KiB blocks. */
    record Disk(Map<String, Long> apparent, Map<String, Long> allocated, long files, long directories) {
        long total(Map<String, Long> m) {
            return m.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static Disk disk(Path root) throws IOException {
        Map<String, Long> apparent = new TreeMap<>();
        Map<String, Long> allocated = new TreeMap<>();
        long[] counts = new long[2];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                counts[1]++;
                apparent.merge("directories", a.size(), Long::sum);
                allocated.merge("directories", a.size(), Long::sum);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                counts[0]++;
                String n = f.getFileName().toString();
                String kind = n.equals("MANIFEST") ? "manifest" : n.contains(".") ? n.substring(n.lastIndexOf('.') + 1) : n;
                apparent.merge(kind, a.size(), Long::sum);
                allocated.merge(kind, (a.size() + 4095) / 4096 * 4096, Long::sum);
                return FileVisitResult.CONTINUE;
            }
        });
        return new Disk(apparent, allocated, counts[0], counts[1]);
    }

    /** Heap in use after two full collections. */
    static long heapUsed() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set size of this process (Linux), or -1. */
    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Direct plus mapped NIO buffer pools (what the JDK accounts for; Arena allocations may not be). */
    static long bufferPools() {
        long sum = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) sum += b.getMemoryUsed();
        return sum;
    }

    static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }
}
