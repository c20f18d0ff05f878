package dev.recur.cli.render;

import dev.recur.train.StepReport;
import dev.recur.train.TrainingListener;
import dev.recur.train.TrainingResult;
import dev.recur.train.ValidationReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: a live progress bar (me.tongfei:progressbar) on a terminal, plain periodic log lines
 * otherwise; validations always as lines.
 */
public final class ProgressListener implements TrainingListener {

    private final PrintWriter log;
    private final boolean terminal;
    private final Duration maxTime;
    private ProgressBar bar;
    private long total;

    public ProgressListener(PrintWriter log, boolean terminal, Duration maxTime) {
        this.log = log;
        this.terminal = terminal;
        this.maxTime = maxTime;
    }

    /** Whether stderr is an interactive terminal (Console.isTerminal() on JDK 22+, console presence before). */
    public static boolean isTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private long lastStep;
    private Duration lastElapsed = Duration.ZERO;

    /** The step this run started after (a resumed run's checkpoint step): rates and the ETA count from it. */
    private long firstStep;

    @Override
    public void onStart(long firstStep, long totalSteps, long seed) {
        this.firstStep = firstStep;
        this.lastStep = firstStep;
        total = totalSteps;
        if (terminal) {
            bar = newBar(firstStep, Duration.ZERO);
        }
    }

    private ProgressBar newBar(long from, Duration elapsed) {
        return new ProgressBarBuilder().setTaskName("train").setInitialMax(total)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                .continuousUpdate().setUnit(" steps", 1).startsFrom(from, elapsed).build();
    }

    @Override
    public void onStep(StepReport r) {
        String msg = String.format(Locale.ROOT, "epoch %d | %,.0f tok/s | loss %.4f | ppl %.2f | lr %.3g | clipped %.0f%%",
                r.epoch(), r.tokensPerSecond(), r.loss(), r.perplexity(), r.learningRate(), 100 * r.clipRate());
        lastStep = Math.min(r.step(), total);
        lastElapsed = r.elapsed();
        if (bar != null) {
            bar.stepTo(lastStep);
            bar.setExtraMessage(msg);
        } else {
            String eta = "";
            long done = r.step() - firstStep;
            if (done > 0 && total > r.step()) {
                long secs = r.elapsed().toSeconds() * (total - r.step()) / done;
                if (maxTime != null) {
                    secs = Math.min(secs, Math.max(0, maxTime.minus(r.elapsed()).toSeconds()));
                }
                eta = " | eta " + format(Duration.ofSeconds(secs));
            }
            log.printf(Locale.ROOT, "step %,d/%,d | %s%s%n", r.step(), total, msg, eta);
            log.flush();
        }
    }

    @Override
    public void onValidation(ValidationReport r) {
        String line = String.format(Locale.ROOT, "validation after step %,d (epoch %d): loss %.4f, perplexity %.2f, bits/token %.4f%s%s",
                r.step(), r.epoch(), r.result().meanLoss(), r.result().perplexity(), r.result().bitsPerToken(),
                r.rolledBack() ? " — rolled back" : "", r.note().isEmpty() ? "" : " (" + r.note() + ")");
        if (bar != null) {
            // the bar redraws its own line: finish it, print the line, start a new bar below
            String extra = bar.getExtraMessage();
            bar.close();
            log.println(line);
            log.flush();
            bar = newBar(lastStep, lastElapsed);
            bar.setExtraMessage(extra);
        } else {
            log.println(line);
            log.flush();
        }
    }

    @Override
    public void onSkippedStep(long step, int consecutive, String reason) {
        log.printf(Locale.ROOT, "skipped a step after step %,d: %s (%d in a row)%n", step, reason, consecutive);
        log.flush();
    }

    @Override
    public void onEnd(TrainingResult result) {
        close();
    }

    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    public static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
