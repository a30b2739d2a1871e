package dev.engram.server.cli;

import dev.engram.wal.Durability;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code --durability sync|none|interval:<n>ms|s}. Stateless. */
final class Durabilities {
    private static final Pattern INTERVAL = Pattern.compile("interval:(\\d{1,6})(ms|s)");

    private Durabilities() {}

    static Durability parse(String text) {
        if (text.equals("sync")) return Durability.SYNC;
        if (text.equals("none")) return Durability.NONE;
        Matcher m = INTERVAL.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            if (n > 0) return Durability.interval(m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n));
        }
        throw new IllegalArgumentException("--durability must be sync, none or interval:<n>ms (e.g. interval:50ms), was '" + text + "'");
    }
}
