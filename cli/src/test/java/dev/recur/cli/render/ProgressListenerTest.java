package dev.recur.cli.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.train.StepReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plain progress lines of {@code recur train}: the remaining time of fresh and resumed runs. */
class ProgressListenerTest {

    private static StepReport at(long step, long total, Duration elapsed) {
        return new StepReport(1, step, total, 4.5, 1e-3, null, 0, 1000, step * 100, elapsed, Map.of());
    }

    private static String line(long firstStep, long step, long total, Duration elapsed) {
        StringWriter out = new StringWriter();
        ProgressListener l = new ProgressListener(new PrintWriter(out), false, null);
        l.onStart(firstStep, total, 1);
        l.onStep(at(step, total, elapsed));
        return out.toString();
    }

    @Test
    void aFreshRunEstimatesFromTheStepsItTook() {
        // 100 of 1,000 steps in 60 s: 900 left at the same rate = 9 minutes
        String s = line(0, 100, 1000, Duration.ofSeconds(60));
        assertTrue(s.contains("step 100/1,000") && s.contains("eta 9m00s"), s);
    }

    @Test
    void aResumedRunEstimatesFromTheStepsSinceItsCheckpoint() {
        // resumed at step 5,000 of 10,000: 50 steps in 30 s, 4,950 left = 49m30s (not 4,950 × 30 / 5,050 = 29 s)
        String s = line(5000, 5050, 10000, Duration.ofSeconds(30));
        assertTrue(s.contains("step 5,050/10,000") && s.contains("eta 49m30s"), s);
    }

    @Test
    void theTimeBudgetCapsTheEstimate() {
        StringWriter out = new StringWriter();
        ProgressListener l = new ProgressListener(new PrintWriter(out), false, Duration.ofMinutes(2));
        l.onStart(0, 1000, 1);
        l.onStep(at(100, 1000, Duration.ofSeconds(60)));
        assertTrue(out.toString().contains("eta 1m00s"), out.toString());
    }
}
