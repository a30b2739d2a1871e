package dev.engram.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API keys a server accepts, each scoped to one app and optionally an admin. Read from a
 * keys file or the {@code ENGRAM_API_KEYS} variable: one key per line (or per comma in the
 * variable), {@code key app [admin]}, blank lines and {@code #} comments ignored. Keys are 16 to
 * 256 printable ASCII characters; apps match {@value #APP_PATTERN}. With no keys the server is
 * open (loopback only) and serves the single app {@value #DEFAULT_APP}. Immutable; thread-safe.
 */
public final class ApiKeys {
    public static final String APP_PATTERN = "[a-z0-9-]{1,24}";
    public static final String DEFAULT_APP = "default";
    private static final Pattern APP = Pattern.compile(APP_PATTERN);
    private static final Pattern KEY = Pattern.compile("[!-~]{16,256}");

    /** Who is calling: the app its key belongs to, and whether the key is an admin key. */
    public record Caller(String app, boolean admin) {}

    private final Map<String, Caller> byKey;

    private ApiKeys(Map<String, Caller> byKey) {
        this.byKey = Map.copyOf(byKey);
    }

    /** No keys: open server, one app named {@value #DEFAULT_APP}. */
    public static ApiKeys none() {
        return new ApiKeys(Map.of());
    }

    public static ApiKeys parse(String text, String origin) {
        Map<String, Caller> keys = new HashMap<>();
        List<String> lines = text.lines().flatMap(l -> java.util.Arrays.stream(l.split(","))).toList();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\s+");
            if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !parts[2].equals("admin"))) {
                throw new IllegalArgumentException(origin + " entry " + n + ": expected 'key app [admin]'");
            }
            if (!KEY.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(origin + " entry " + n + ": a key is 16 to 256 printable ASCII characters");
            }
            if (!APP.matcher(parts[1]).matches()) {
                throw new IllegalArgumentException(origin + " entry " + n + ": app must match " + APP_PATTERN);
            }
            if (keys.put(parts[0], new Caller(parts[1], parts.length == 3)) != null) {
                throw new IllegalArgumentException(origin + " entry " + n + ": the same key appears twice");
            }
        }
        if (keys.isEmpty()) throw new IllegalArgumentException(origin + " holds no key");
        return new ApiKeys(keys);
    }

    public static ApiKeys fromFile(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** The caller of a key, compared in constant time per candidate. */
    public Optional<Caller> lookup(String key) {
        byte[] given = key.getBytes(StandardCharsets.UTF_8);
        Caller found = null;
        for (Map.Entry<String, Caller> e : byKey.entrySet()) {
            if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), given)) found = e.getValue();
        }
        return Optional.ofNullable(found);
    }

    static boolean validApp(String app) {
        return app != null && APP.matcher(app).matches();
    }
}
