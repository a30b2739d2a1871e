package dev.engram.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The server's route table: method + path template ({@code /v1/users/{user_id}/memories}) →
 * handler. Matching works on the raw path, split on {@code /} and percent-decoded per segment, so
 * an encoded slash or dot stays inside its segment (and then fails that segment's validation).
 * Among templates that match a path the most literal wins, so {@code /memories/search} is not a
 * memory id. A path matched with another method is a 405 with {@code Allow}; no match is a 404.
 * Immutable after construction; thread-safe.
 */
final class Router {
    /** Who may call a route. */
    enum Access { OPEN, KEY, ADMIN }

    interface Handler {
        void handle(Call call) throws Exception;
    }

    record Route(String method, String template, Access access, Handler handler) {
        String[] segments() {
            return template.substring(1).split("/", -1);
        }
    }

    record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String template, Access access, Handler handler) {
        routes.add(new Route(method, template, access, handler));
        return this;
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    Match match(String method, String rawPath) {
        String[] segs = split(rawPath);
        int best = -1;
        List<Route> candidates = new ArrayList<>();
        List<Map<String, String>> bindings = new ArrayList<>();
        for (Route r : routes) {
            String[] t = r.segments();
            if (t.length != segs.length) continue;
            Map<String, String> params = new LinkedHashMap<>();
            int literal = 0;
            boolean ok = true;
            for (int i = 0; i < t.length && ok; i++) {
                if (t[i].startsWith("{")) params.put(t[i].substring(1, t[i].length() - 1), segs[i]);
                else if (t[i].equals(segs[i])) literal++;
                else ok = false;
            }
            if (!ok) continue;
            if (literal > best) {
                best = literal;
                candidates.clear();
                bindings.clear();
            }
            if (literal == best) {
                candidates.add(r);
                bindings.add(params);
            }
        }
        if (candidates.isEmpty()) throw ApiException.notFound("no route for " + Json.clean(truncate(rawPath)));
        TreeSet<String> allow = new TreeSet<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).method().equals(method)) return new Match(candidates.get(i), bindings.get(i));
            allow.add(candidates.get(i).method());
        }
        throw new ApiException(405, "method_not_allowed", Json.clean(method) + " is not allowed here; allowed: " + String.join(", ", allow),
                Map.of("Allow", String.join(", ", allow)));
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    /** Splits a raw path into percent-decoded segments; a malformed escape or non-UTF-8 bytes are a 400. */
    static String[] split(String rawPath) {
        String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        String[] parts = p.split("/", -1);
        for (int i = 0; i < parts.length; i++) parts[i] = decode(parts[i]);
        return parts;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 1 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) throw ApiException.badRequest("malformed percent-escape in the path");
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                throw ApiException.badRequest("the path must be ASCII (percent-encode other characters)");
            }
        }
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiException.badRequest("the path is not valid UTF-8");
        }
    }
}
