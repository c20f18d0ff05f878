package dev.recur.cli.commands;

import dev.recur.model.ModelWorkspace;

import dev.recur.cli.ExitCode;
import dev.recur.cli.render.Charts;
import picocli.CommandLine.Mixin;

import dev.recur.cells.ElmanCellProvider;
import dev.recur.diagnostics.GradientFlow;
import dev.recur.diagnostics.GradientProbe;
import dev.recur.diagnostics.Spectrum;
import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.RnnLanguageModel;
import dev.recur.optim.GlobalNormClipper;
import dev.recur.optim.NoClipper;
import dev.recur.optim.Sgd;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.LearningRateSchedule;
import dev.recur.text.CharTokenizer;
import dev.recur.text.Vocabulary;
import dev.recur.train.StepReport;
import dev.recur.train.Trainer;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainingDivergedException;
import dev.recur.train.TrainingListener;
import dev.recur.train.TrainingResult;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recur demo-gradients}: vanishing and exploding gradients, shown on a synthetic long-range task.
 * (a) identity σ with spectral radius below 1: the gradient decays like |λ|ˡ and the task fails beyond a
 * distance; (b) radius above 1 without clipping: the gradient explodes and training diverges; (c) the same
 * run with global-norm clipping stays stable.
 */
@Command(name = "demo-gradients", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Demonstrate vanishing and exploding gradients on a synthetic long-range task; writes plots "
                + "and a summary to --out.")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--out", defaultValue = "gradient-demo", paramLabel = "DIR", description = "Where plots and the summary go.")
    Path out;
    @Option(names = "--distances", defaultValue = "4,8,16,32,64", split = ",", description = "Task distances for (a).")
    int[] distances;
    @Option(names = "--radius-low", defaultValue = "0.8", description = "(a): W_h starts as this times I.")
    double radiusLow;
    @Option(names = "--radius-high", defaultValue = "1.02", description = "(b), (c): W_h starts as this times I.")
    double radiusHigh;
    @Option(names = "--explode-activation", defaultValue = "identity", description = "(b), (c): the activation.")
    String explodeActivation;
    @Option(names = "--sgd-lr", defaultValue = "0.5", description = "(b), (c): SGD learning rate.")
    double sgdLr;
    @Option(names = "--clip", defaultValue = "1.0", description = "(c): max-norm of the global-norm clipper.")
    double clipNorm;
    @Option(names = "--epochs", defaultValue = "15", description = "Epochs per run of (a).")
    int epochs;
    @Mixin
    SeedOption seedOption;

    private final MathKernels kernels;

    @Inject
    DemoCommand(MathKernels kernels) {
        this.kernels = kernels;
    }

    private record Outcome(int distance, double accuracy, double answerLoss, double rho, GradientFlow flow) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        Files.createDirectories(out);
        CharTokenizer tok = new CharTokenizer();
        Vocabulary vocab = tok.buildVocabulary(LongRangeTask.KEYS + LongRangeTask.FILLER + "?\n");

        // (a) vanishing: identity σ, W_h = radiusLow·I, trained at each distance
        w.printf(Locale.ROOT, "(a) identity activation, W_h = %.2f I (spectral radius %.2f < 1), Adam, window = 2 x distance%n",
                radiusLow, radiusLow);
        w.printf("%9s  %9s  %12s  %14s  %16s  %12s%n", "distance", "accuracy", "answer loss", "radius after",
                "|dJ/dh| ratio @d", "|lambda|^d");
        List<Outcome> outcomes = new ArrayList<>();
        int maxDistance = IntStream.of(distances).max().orElse(64);
        for (int d : distances) {
            LanguageModel lm = model(vocab, tok, radiusLow);
            int[] train = tok.encode(LongRangeTask.text(d, Math.max(300, 60_000 / (d + 2)), seedOption.seed()), vocab);
            TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(16).withBptt(2 * (d + 2)).withEpochs(epochs)
                    .withSeed(seedOption.seed()).withLogEvery(1000);
            new Trainer(lm.network(), new dev.recur.optim.Adam(), new GlobalNormClipper(1.0), LearningRateSchedule.constant(0.01),
                    cfg).train(train, null);
            double[] acc = answerAccuracy(lm, tok, vocab, d);
            int[] probeText = tok.encode(LongRangeTask.text(d, 400, seedOption.seed() + 1), vocab);
            GradientFlow flow = GradientProbe.probe(lm.network(), probeText, maxDistance, 4, 4);
            float[] wh = lm.network().parameter("W_h").value();
            double rho = Spectrum.spectralRadius(wh, lm.network().hiddenSize(), 400, seedOption.seed());
            outcomes.add(new Outcome(d, acc[0], acc[1], rho, flow));
            w.printf(Locale.ROOT, "%9d  %8.1f%%  %12.4f  %14.4f  %16.3g  %12.3g%n", d, 100 * acc[0], acc[1], rho,
                    flow.ratio(Math.min(d, maxDistance)), Math.pow(rho, d));
            w.flush();
        }
        w.printf(Locale.ROOT, "chance: accuracy 25%%, answer loss ln 4 = %.4f%n%n", Math.log(4));
        Charts.write(out.resolve("vanishing.png"), List.of(flowChart(outcomes, maxDistance), accuracyChart(outcomes)));

        // (b) and (c): exploding, without and with clipping
        int d = 32;
        int[] train = tok.encode(LongRangeTask.text(d, 3000, seedOption.seed()), vocab);
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(16).withBptt(50).withEpochs(2).withSeed(seedOption.seed())
                .withLogEvery(1).withMaxBadSteps(3);
        w.printf(Locale.ROOT, "(b), (c) %s activation, W_h = %s (spectral radius about %.2f), SGD lr %s, window 50%n",
                explodeActivation, explodeActivation.equals("identity") ? String.format(Locale.ROOT, "%.2f I", radiusHigh)
                        : "uniform init, scale " + radiusHigh, radiusHigh, sgdLr);
        Run noClip = run(vocab, tok, train, cfg, new NoClipper(kernels));
        Run clip = run(vocab, tok, train, cfg, new GlobalNormClipper(clipNorm, kernels));
        w.printf(Locale.ROOT, "(b) no clipping:          %s; largest gradient norm %.3g%n", noClip.end, noClip.maxNorm());
        w.printf(Locale.ROOT, "(c) global-norm %s clip: %s; largest gradient norm %.3g, %d of %d steps clipped, %d skipped "
                + "(non-finite), final training loss %.4f, spectral radius after %.4f%n", clipNorm, clip.end, clip.maxNorm(),
                clip.clipped(), clip.steps.size(), clip.skipped(), clip.lastLoss(), clip.rho);
        Charts.write(out.resolve("exploding.png"), explodingCharts(noClip, clip));
        w.printf("wrote %s and %s%n", out.resolve("vanishing.png"), out.resolve("exploding.png"));
        w.flush();
        return ExitCode.OK.code();
    }

    private LanguageModel model(Vocabulary vocab, CharTokenizer tok, double scale) {
        return model(vocab, tok, "identity", "irnn", scale);
    }

    private LanguageModel model(Vocabulary vocab, CharTokenizer tok, String activation, String init, double scale) {
        ModelSpec spec = new ModelSpec("elman", Map.of("activation", activation, "init", init,
                "init-scale", String.valueOf(scale)), vocab.size(), 8, 32);
        return new LanguageModel(RnnLanguageModel.create(spec, new ElmanCellProvider(), seedOption.seed(), kernels), tok, vocab);
    }

    /** Accuracy and mean loss of the answer after '?', on fresh lines, each from a zero state. */
    private double[] answerAccuracy(LanguageModel lm, CharTokenizer tok, Vocabulary vocab, int d) {
        String[] lines = LongRangeTask.text(d, 500, seedOption.seed() + 2).split("\n");
        RnnLanguageModel net = lm.network();
        ModelWorkspace ws = net.newWorkspace(1, d + 1);
        float[] logits = new float[net.vocabSize()];
        int right = 0;
        double loss = 0;
        for (String line : lines) {
            int[] ids = tok.encode(line, vocab);
            int prefix = ids.length - 1; // up to and including '?'
            float[] state = net.newState(1);
            net.logitsAfter(ws, prefix, ids, state, state, logits);
            int answer = ids[prefix];
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            right += best == answer ? 1 : 0;
            loss += kernels.softmaxCrossEntropy(1, logits.length, logits, 0, logits.length, new int[] {answer}, 0, 0f);
        }
        return new double[] {right / (double) lines.length, loss / lines.length};
    }

    private static final class Run {
        final List<Double> steps = new ArrayList<>();
        final List<Double> norms = new ArrayList<>();
        final List<Double> losses = new ArrayList<>();
        final List<Boolean> clippedSteps = new ArrayList<>();
        String end = "";
        double rho = Double.NaN;

        double maxNorm() {
            return norms.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).max().orElse(Double.NaN);
        }

        long clipped() {
            return clippedSteps.stream().filter(b -> b).count();
        }

        long skipped() {
            return norms.stream().filter(x -> x.isNaN()).count();
        }

        double lastLoss() {
            return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
        }
    }

    private Run run(Vocabulary vocab, CharTokenizer tok, int[] train, TrainerConfig cfg, GradientClipper clipper) {
        LanguageModel lm = model(vocab, tok, explodeActivation, explodeActivation.equals("identity") ? "irnn" : "uniform",
                radiusHigh);
        Run r = new Run();
        Trainer t = new Trainer(lm.network(), new Sgd(), clipper, LearningRateSchedule.constant(sgdLr), cfg)
                .addListener(new TrainingListener() {
                    @Override
                    public void onStep(StepReport s) {
                        r.steps.add((double) s.step());
                        r.norms.add(s.clip().normBefore());
                        r.losses.add(s.loss());
                        r.clippedSteps.add(s.clip().clipped());
                    }

                    @Override
                    public void onSkippedStep(long step, int consecutive, String reason) {
                        r.steps.add((double) step + 1);
                        r.norms.add(Double.NaN);
                        r.losses.add(Double.NaN);
                        r.clippedSteps.add(false);
                    }
                });
        try {
            TrainingResult res = t.train(train, null);
            r.end = "completed " + res.steps() + " steps";
        } catch (TrainingDivergedException e) {
            r.end = "DIVERGED after " + r.steps.size() + " steps (" + e.getMessage().replaceFirst(";.*", "") + ")";
        }
        r.rho = Spectrum.spectralRadius(lm.network().parameter("W_h").value(), lm.network().hiddenSize(), 400, seedOption.seed());
        return r;
    }

    private XYChart flowChart(List<Outcome> outcomes, int maxDistance) {
        XYChart c = Charts.chart(String.format(Locale.ROOT,
                "(a) gradient flow after training, identity activation, W_h started at %.2f I", radiusLow),
                "distance l", "|dJ_t/dh(t-l)| / (l = 0)  (log)", true, 900, 520);
        double[] x = IntStream.rangeClosed(0, maxDistance).asDoubleStream().toArray();
        for (Outcome o : outcomes) {
            c.addSeries("task distance " + o.distance + ", measured",
                    x, DiagnoseCommand.positive(IntStream.rangeClosed(0, maxDistance).mapToDouble(o.flow::ratio).toArray()));
        }
        Outcome last = outcomes.get(outcomes.size() - 1);
        XYSeries p = c.addSeries(String.format(Locale.ROOT, "|lambda_max|^l, rho = %.3f (distance %d)", last.rho,
                last.distance), x, IntStream.rangeClosed(0, maxDistance).mapToDouble(l -> Math.pow(last.rho, l)).toArray());
        p.setMarker(SeriesMarkers.NONE);
        return c;
    }

    private XYChart accuracyChart(List<Outcome> outcomes) {
        XYChart c = Charts.chart("(a) task accuracy against the distance to remember (chance = 25%)", "distance",
                "accuracy of the answer", false, 900, 320);
        double[] x = outcomes.stream().mapToDouble(o -> o.distance).toArray();
        XYSeries s = c.addSeries("accuracy", x, outcomes.stream().mapToDouble(o -> o.accuracy).toArray());
        s.setMarker(SeriesMarkers.CIRCLE);
        c.addSeries("chance", new double[] {x[0], x[x.length - 1]}, new double[] {0.25, 0.25}).setMarker(SeriesMarkers.NONE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        c.getStyler().setMarkerSize(8);
        return c;
    }

    private List<XYChart> explodingCharts(Run noClip, Run clip) {
        XYChart n = Charts.chart(String.format(Locale.ROOT,
                "(b), (c) gradient norm before clipping, W_h started at %.2f I, SGD lr %s", radiusHigh, sgdLr), "step", "L2 norm (log)",
                true, 900, 420);
        n.addSeries("(b) no clipping", noClip.steps, noClip.norms).setMarker(SeriesMarkers.NONE);
        n.addSeries("(c) global-norm clipping at " + clipNorm, clip.steps, clip.norms).setMarker(SeriesMarkers.NONE);
        XYChart l = Charts.chart("(b), (c) training loss", "step", "cross-entropy (nats, log)", true, 900, 320);
        l.addSeries("(b) no clipping", noClip.steps, noClip.losses).setMarker(SeriesMarkers.NONE);
        l.addSeries("(c) global-norm clipping at " + clipNorm, clip.steps, clip.losses).setMarker(SeriesMarkers.NONE);
        return List.of(n, l);
    }
}
