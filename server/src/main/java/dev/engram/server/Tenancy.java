package dev.engram.server;

import dev.engram.memory.UserId;
import java.util.regex.Pattern;

/**
 * How a caller's {@code user_id} and app name the engine user: {@code <user_id>@<app>}
 * (docs/server.md, "Tenancy"). The server and the CLI's {@code --data} mode both use it, so a data
 * directory reads the same through either. Stateless.
 */
public final class Tenancy {
    /** What a {@code user_id} must match (and not be {@code .} or {@code ..}). */
    public static final String USER_PATTERN = "[A-Za-z0-9._-]{1,100}";
    private static final Pattern USER = Pattern.compile(USER_PATTERN);

    private Tenancy() {}

    /**
     * The engine user of {@code userId} in {@code app}.
     *
     * @throws IllegalArgumentException naming the field at fault
     */
    public static UserId user(String userId, String app) {
        if (userId == null || !USER.matcher(userId).matches() || userId.equals(".") || userId.equals("..")) {
            throw new IllegalArgumentException("user_id: must match " + USER_PATTERN + " (and not be '.' or '..')");
        }
        if (app == null || !ApiKeys.validApp(app)) throw new IllegalArgumentException("app: must match " + ApiKeys.APP_PATTERN);
        return UserId.of(userId + "@" + app);
    }
}
