package dev.recur.cli.render;

import dev.recur.train.StepReport;
import dev.recur.train.TrainingListener;
import dev.recur.train.TrainingResult;
import dev.recur.train.ValidationReport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --metrics FILE}: one JSON line per logged step and per validation. */
public final class MetricsWriter implements TrainingListener, AutoCloseable {

    private final BufferedWriter out;
    private final Path file;

    public MetricsWriter(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write metrics: " + e.getMessage(), e);
        }
    }

    private void write(Map<String, Object> m) {
        try {
            out.write(Json.object(m));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write metrics: " + e.getMessage(), e);
        }
    }

    @Override
    public void onStep(StepReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "step");
        m.put("epoch", r.epoch());
        m.put("step", r.step());
        m.put("loss", r.loss());
        m.put("perplexity", r.perplexity());
        m.put("lr", r.learningRate());
        m.put("grad_norm", r.clip().normBefore());
        m.put("clipped", r.clip().clipped());
        m.put("clip_rate", r.clipRate());
        m.put("grad_norms", r.gradientNorms());
        m.put("tokens_per_s", r.tokensPerSecond());
        m.put("tokens", r.tokens());
        m.put("elapsed_s", r.elapsed().toMillis() / 1000.0);
        write(m);
    }

    @Override
    public void onValidation(ValidationReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "validation");
        m.put("epoch", r.epoch());
        m.put("step", r.step());
        m.put("end_of_epoch", r.endOfEpoch());
        m.put("loss", r.result().meanLoss());
        m.put("perplexity", r.result().perplexity());
        m.put("bits_per_token", r.result().bitsPerToken());
        m.put("lr", r.learningRate());
        m.put("rolled_back", r.rolledBack());
        m.put("note", r.note());
        write(m);
    }

    @Override
    public void onEnd(TrainingResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "end");
        m.put("steps", r.steps());
        m.put("skipped_steps", r.skippedSteps());
        m.put("tokens", r.tokens());
        m.put("elapsed_s", r.elapsed().toMillis() / 1000.0);
        m.put("stop", r.stopReason());
        write(m);
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing left to save
        }
    }
}
