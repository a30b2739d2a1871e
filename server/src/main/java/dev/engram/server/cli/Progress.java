package dev.engram.server.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr, shown only when stderr is a terminal or when asked ({@code --progress});
 * otherwise every call does nothing (so piped output and logs stay clean). Not thread-safe.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    /** {@code total} -1: unknown (the bar counts without a percentage). */
    Progress(String task, long total, boolean forced) {
        boolean show = forced || (System.console() != null && System.console().isTerminal());
        bar = !show ? null : new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    void step(long n) {
        if (bar != null) bar.stepBy(n);
    }

    void message(String text) {
        if (bar != null) bar.setExtraMessage(text);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
