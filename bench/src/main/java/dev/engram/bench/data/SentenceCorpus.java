package dev.engram.bench.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Real English sentences from the documentation Debian ships under {@code /usr/share/doc}
 * (READMEs, changelogs, NEWS, copyright files, many of them gzipped).
 *
 * <p>Extraction is deterministic for a given set of installed files: the directory tree is walked
 * in sorted order, each file is split into paragraphs (blank lines) and sentences (after
 * {@code . ! ?}), leading bullets are stripped, and a sentence is kept when it is 30–300 chars,
 * starts with a capitalised word, ends with sentence punctuation, has at least six words, is at
 * least 85% letters and spaces and holds no e-mail address. Duplicates are dropped (first
 * occurrence wins), the distinct sentences are shuffled with a fixed seed and the first
 * {@code cap} are kept, so the sample spreads over all packages rather than the first few
 * alphabetically. {@link #fingerprint(List)} identifies the result for cache validation.
 *
 * <p>Not thread-safe; a static utility.
 */
public final class SentenceCorpus {
    /** Where the text comes from. */
    public static final List<Path> ROOTS = List.of(Path.of("/usr/share/doc"));

    private static final long SHUFFLE_SEED = 0x5EED_C0DE_2026L;
    private static final long MAX_FILE_BYTES = 16L << 20;
    private static final Pattern PARAGRAPH = Pattern.compile("\\n\\s*\\n");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern BULLET = Pattern.compile("^[*+\\-#>]+\\s*");
    private static final Pattern STARTS_LIKE_A_SENTENCE = Pattern.compile("^[A-Z][a-z].*");

    private SentenceCorpus() {}

    /** Up to {@code cap} distinct sentences, in a fixed pseudo-random order. */
    public static List<String> load(int cap) {
        Set<String> distinct = new LinkedHashSet<>();
        for (Path root : ROOTS) {
            if (Files.isDirectory(root)) walk(root, distinct);
        }
        List<String> all = new ArrayList<>(distinct);
        Collections.shuffle(all, new Random(SHUFFLE_SEED));
        return List.copyOf(all.subList(0, Math.min(cap, all.size())));
    }

    /** SHA-256 over the sentences (UTF-8, newline-separated), hex. */
    public static String fingerprint(List<String> sentences) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : sentences) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void walk(Path dir, Set<String> out) {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.sorted().toList();
        } catch (IOException e) {
            return; // unreadable directory: skipped, as on any machine
        }
        for (Path p : children) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                walk(p, out);
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                String text = readText(p);
                if (text != null) split(text, out);
            }
        }
    }

    private static String readText(Path p) {
        try {
            if (Files.size(p) > MAX_FILE_BYTES) return null;
            byte[] raw;
            if (p.getFileName().toString().endsWith(".gz")) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
                    raw = in.readNBytes((int) (MAX_FILE_BYTES * 4));
                }
            } else {
                raw = Files.readAllBytes(p);
            }
            for (int i = 0, n = Math.min(raw.length, 4096); i < n; i++) {
                if (raw[i] == 0) return null; // binary
            }
            return new String(raw, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return null; // unreadable or not gzip after all: skipped
        }
    }

    static void split(String text, Set<String> out) {
        for (String paragraph : PARAGRAPH.split(text)) {
            String flat = WHITESPACE.matcher(paragraph).replaceAll(" ").trim();
            for (String candidate : SENTENCE_END.split(flat)) {
                String s = BULLET.matcher(candidate).replaceFirst("");
                if (keep(s)) out.add(s);
            }
        }
    }

    static boolean keep(String s) {
        int len = s.length();
        if (len < 30 || len > 300) return false;
        char last = s.charAt(len - 1);
        if (last != '.' && last != '!' && last != '?') return false;
        if (!STARTS_LIKE_A_SENTENCE.matcher(s).matches()) return false;
        if (s.indexOf('@') >= 0 || s.indexOf('\uFFFD') >= 0) return false;
        int words = 0, letters = 0;
        boolean inWord = false;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c == ' ') {
                letters++;
                inWord = false;
            } else {
                if (Character.isLetter(c)) letters++;
                if (!inWord) words++;
                inWord = true;
            }
        }
        return words >= 6 && letters >= 0.85 * len;
    }
}
