package dev.engram.server.cli;

import dev.engram.server.ApiKeys;
import dev.engram.wal.Durability;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where a command works: a local data directory ({@code --data}, opening the embedded engine; the
 * server must not be running on it) or a running server ({@code --url}, the default). Shared by
 * every command but {@code serve}.
 */
final class Target {
    @Option(names = "--data", paramLabel = "DIR", description = "work on this data directory directly (embedded engine; stop the server first)")
    Path data;

    @Option(names = "--url", defaultValue = "${env:ENGRAM_URL:-http://127.0.0.1:7070}",
            description = "server URL when --data is not given (env ENGRAM_URL, default ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--api-key", defaultValue = "${env:ENGRAM_API_KEY}", description = "API key for --url (env ENGRAM_API_KEY); not needed for a server without keys")
    String apiKey;

    @Option(names = "--app", defaultValue = ApiKeys.DEFAULT_APP,
            description = "with --data: the app whose users to use (default ${DEFAULT-VALUE}, as a server without keys); a server takes the app from the key")
    String app;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    /** Opens the backend; {@code durability} applies to a local data directory. */
    Backend open(Durability durability) {
        if (data != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--url") || spec.commandLine().getParseResult().hasMatchedOption("--api-key")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--data and --url/--api-key exclude each other");
            }
            if (!ApiKeys.DEFAULT_APP.equals(app) && !app.matches(ApiKeys.APP_PATTERN)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--app must match " + ApiKeys.APP_PATTERN);
            }
            return LocalBackend.open(data, app, durability);
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--app")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--app goes with --data (a server takes the app from the API key)");
        }
        String scheme = url.getScheme();
        if (url.getHost() == null || scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url must be an http(s) URL such as http://127.0.0.1:7070, was '" + url + "'");
        }
        return new RemoteBackend(url, apiKey);
    }
}
