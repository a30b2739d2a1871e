package dev.engram.internal.lexical;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Turns text into index terms: Unicode word segmentation (UAX #29, so CJK ideographs become one
 * term each, an emoji sequence is one term, and punctuation is dropped), English possessives stripped ("Alice's" →
 * "alice"), lower case, accents and fullwidth forms folded to ASCII ("Café" and "ｃａｆé" →
 * "cafe"), Lucene's English stop words removed, then the Porter stemmer ("running" → "run").
 *
 * <p>This is Lucene's {@code EnglishAnalyzer} chain plus ASCII folding, which memories need
 * because users type the same name with and without accents. The analysis is part of the lexical
 * file format: changing it means a new format version ({@link LexicalFormat}), since stored terms
 * would no longer match query terms.
 *
 * <p>Thread-safe: Lucene analyzers keep per-thread token streams.
 */
public final class TextAnalyzer implements AutoCloseable {
    /** Terms longer than this are split by the tokenizer, so a hostile input cannot make huge terms. */
    public static final int MAX_TOKEN_LENGTH = 64;

    private final Analyzer analyzer = new Analyzer() {
        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
            StandardTokenizer source = new StandardTokenizer();
            source.setMaxTokenLength(MAX_TOKEN_LENGTH);
            Tokenizer tokenizer = source;
            TokenStream s = new EnglishPossessiveFilter(tokenizer);
            s = new LowerCaseFilter(s);
            s = new ASCIIFoldingFilter(s);
            s = new StopFilter(s, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
            s = new PorterStemFilter(s);
            return new TokenStreamComponents(tokenizer, s);
        }
    };

    /** The terms of {@code text}, in order, duplicates kept. */
    public List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) out.add(term.toString());
            ts.end();
        } catch (IOException e) {
            // Reading from a String cannot fail; if it does, it is a bug, not an I/O condition.
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
