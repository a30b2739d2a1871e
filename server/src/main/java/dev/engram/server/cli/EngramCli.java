package dev.engram.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code engram} command line: {@code serve}, and {@code ingest}, {@code search},
 * {@code export}, {@code import}, {@code purge}, {@code eval} against a running server
 * ({@code --url}) or a data directory ({@code --data}). Exit codes: 0 done, 1 failed (one line on
 * stderr, no stack trace), 2 bad usage (the message and the usage).
 */
@Command(name = "engram", mixinStandardHelpOptions = true, version = "engram 0.1.0",
        description = "Long-term memory for AI agents.",
        subcommands = {ServeCommand.class, IngestCommand.class, SearchCommand.class, ExportCommand.class, ImportCommand.class,
                PurgeCommand.class, EvalCommand.class, McpCommand.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:failed (message on stderr)", "2:bad usage"})
public final class EngramCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0 || !ServeCommand.RUNNING.get()) System.exit(code);
    }

    /** The command line with the error handling described above (tests run it in-process). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new EngramCli());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String name = cmd.getCommandSpec().qualifiedName(" ");
            if (e instanceof CommandLine.ParameterException pe) throw pe; // raised while running: still a usage error
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            if (!(e instanceof CliException) && !(e instanceof RuntimeException && e.getClass().getPackageName().startsWith("dev.engram"))) {
                message = e.getClass().getSimpleName() + ": " + message;
            }
            System.err.println(name + ": " + message);
            System.err.flush();
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
