package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.cli.render.Charts;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recur plot}: training curves from a {@code --metrics} file. */
@Command(name = "plot", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Draw loss, learning rate and gradient-norm curves from a recur train --metrics file.")
public final class PlotCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--metrics", required = true, paramLabel = "RUN.jsonl", description = "JSON lines from recur train --metrics.")
    List<Path> metrics;
    @Option(names = "--out", required = true, paramLabel = "CURVES.png|.svg", description = "The picture to write.")
    Path out;

    @Override
    public Integer call() {
        Charts.checkFormat(out);
        XYChart loss = Charts.chart("Loss (nats per token)", "step", "cross-entropy", false, 1000, 380);
        XYChart lr = Charts.chart("Learning rate", "step", "learning rate (log)", true, 1000, 280);
        XYChart grad = Charts.chart("Gradient norm before clipping", "step", "L2 norm (log)", true, 1000, 380);
        int points = 0;
        for (Path m : metrics) {
            String run = metrics.size() == 1 ? "" : m.getFileName().toString().replaceFirst("\\.jsonl?$", "") + ": ";
            Series s = read(m);
            points += s.steps.size();
            if (!s.steps.isEmpty()) {
                add(loss, run + "training", s.steps, s.trainLoss);
                add(lr, run + "learning rate", s.steps, s.lr);
                add(grad, run + "global norm", s.steps, s.gradNorm);
                if (metrics.size() == 1) {
                    for (Map.Entry<String, List<Double>> e : s.perParameter.entrySet()) {
                        add(grad, e.getKey(), s.steps, e.getValue());
                    }
                }
                List<Double> cx = new ArrayList<>();
                List<Double> cy = new ArrayList<>();
                for (int i = 0; i < s.steps.size(); i++) {
                    if (s.clipped.get(i)) {
                        cx.add(s.steps.get(i));
                        cy.add(s.gradNorm.get(i));
                    }
                }
                if (!cx.isEmpty()) {
                    XYSeries c = grad.addSeries(run + "clipped", cx, cy);
                    c.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    c.setMarker(SeriesMarkers.CIRCLE);
                }
            }
            if (!s.validSteps.isEmpty()) {
                XYSeries v = add(loss, run + "validation", s.validSteps, s.validLoss);
                v.setMarker(SeriesMarkers.DIAMOND);
            }
        }
        if (points == 0) {
            throw new UsageException("no step lines in " + metrics + ": expected the JSON lines of recur train --metrics");
        }
        Charts.write(out, List.of(loss, lr, grad));
        PrintWriter w = spec.commandLine().getOut();
        w.printf("wrote %s (%d steps)%n", out, points);
        w.flush();
        return ExitCode.OK.code();
    }

    private static XYSeries add(XYChart c, String name, List<Double> x, List<Double> y) {
        List<Double> yy = new ArrayList<>();
        for (Double v : y) {
            yy.add(v == null || !Double.isFinite(v) || (c.getStyler().isYAxisLogarithmic() && v <= 0) ? Double.NaN : v);
        }
        XYSeries s = c.addSeries(name, x, yy);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    /** The columns of one metrics file. */
    static final class Series {
        final List<Double> steps = new ArrayList<>();
        final List<Double> trainLoss = new ArrayList<>();
        final List<Double> lr = new ArrayList<>();
        final List<Double> gradNorm = new ArrayList<>();
        final List<Boolean> clipped = new ArrayList<>();
        final Map<String, List<Double>> perParameter = new LinkedHashMap<>();
        final List<Double> validSteps = new ArrayList<>();
        final List<Double> validLoss = new ArrayList<>();
    }

    static Series read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        Series s = new Series();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonObject o;
            try {
                o = JsonParser.parseString(line).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new UsageException(file + ": line " + n + " is not a JSON object");
            }
            try {
                String event = o.has("event") ? o.get("event").getAsString() : "";
                if (event.equals("step")) {
                    s.steps.add(num(o, "step"));
                    s.trainLoss.add(num(o, "loss"));
                    s.lr.add(num(o, "lr"));
                    s.gradNorm.add(num(o, "grad_norm"));
                    s.clipped.add(o.has("clipped") && o.get("clipped").getAsBoolean());
                    if (o.has("grad_norms") && o.get("grad_norms").isJsonObject()) {
                        for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("grad_norms").entrySet()) {
                            List<Double> col = s.perParameter.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                            while (col.size() < s.steps.size() - 1) {
                                col.add(Double.NaN);
                            }
                            col.add(e.getValue().isJsonNull() ? Double.NaN : e.getValue().getAsDouble());
                        }
                    }
                } else if (event.equals("validation")) {
                    s.validSteps.add(num(o, "step"));
                    s.validLoss.add(num(o, "loss"));
                }
            } catch (RuntimeException e) { // a field of the wrong type: a number that is text, an object for a flag
                String why = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
                throw new UsageException(file + ": line " + n + " has a malformed field ("
                        + (why.length() > 120 ? why.substring(0, 117) + "..." : why) + ")");
            }
        }
        for (List<Double> col : s.perParameter.values()) {
            while (col.size() < s.steps.size()) {
                col.add(Double.NaN);
            }
        }
        return s;
    }

    private static double num(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }
}
