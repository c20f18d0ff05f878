package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.spi.Providers;
import dev.recur.cli.render.Charts;
import picocli.CommandLine.Mixin;

import dev.recur.diagnostics.GradientFlow;
import dev.recur.diagnostics.GradientProbe;
import dev.recur.diagnostics.Spectrum;
import dev.recur.io.ModelFiles;
import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.spi.Parameter;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recur diagnose}: gradient flow through time and the spectrum of W_h. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"How gradients flow back through time in a model: mean ||dJ_t/dh(t-l)|| for l = 0..L "
                + "(untruncated backpropagation), the Jacobian product ||dh(t)/dh(t-l)||, the spectral radius and "
                + "leading eigenvalues of W_h; for identity activation the prediction ||W_h^l|| and |lambda_max|^l "
                + "next to the measurement."})
public final class DiagnoseCommand extends ComputeCommand {

    @Spec
    CommandSpec spec;
    @Mixin
    ModelFileOption model;
    @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "UTF-8 text to probe on.")
    Path corpus;
    @Option(names = "--max-distance", defaultValue = "100", description = "L: the largest distance l.")
    int maxDistance;
    @Option(names = "--batch", defaultValue = "4", description = "Streams averaged over.")
    int batch;
    @Option(names = "--positions", defaultValue = "8", description = "Positions t averaged over.")
    int positions;
    @Option(names = "--plot", paramLabel = "OUT.png|OUT.svg", description = "Draw the norms against the distance.")
    Path plot;
    @Option(names = "--csv", paramLabel = "OUT.csv", description = "Write every distance as CSV.")
    Path csv;

    @Inject
    DiagnoseCommand(Providers providers, MathKernels kernels) {
        super(providers, kernels);
    }

    @Override
    int run(MathKernels kernels) {
        if (maxDistance < 1 || maxDistance > 100_000) {
            throw new UsageException("--max-distance must be in [1, 100000], got " + maxDistance);
        }
        if (batch < 1 || positions < 1) {
            throw new UsageException("--batch and --positions must be >= 1, got " + batch + " and " + positions);
        }
        if (plot != null) {
            Charts.checkFormat(plot);
        }
        LanguageModel lm = ModelFiles.load(model.path(), providers, kernels);
        int[] ids = lm.tokenizer().encode(Corpora.read(corpus), lm.vocabulary());
        GradientFlow flow = GradientProbe.probe(lm.network(), ids, maxDistance, batch, positions);
        PrintWriter out = spec.commandLine().getOut();
        String activation = lm.network().spec() == null ? "?" : lm.network().spec().cellOptions().getOrDefault("activation", "?");
        boolean linear = activation.equals("identity");
        Parameter wh = lm.network().parameters().stream().filter(p -> p.name().equals("W_h")).findFirst().orElse(null);
        double rho = Double.NaN;
        double[] powerNorms = null;
        if (wh != null) {
            int h = wh.rows();
            rho = Spectrum.spectralRadius(wh.value(), h, 500, 1);
            out.printf(Locale.ROOT, "W_h: %d x %d, spectral radius %.4f (power iteration)%n", h, h, rho);
            out.printf("leading eigenvalues: %s%n", leadingEigenvalues(wh.value(), h, 6));
            if (linear) {
                powerNorms = Spectrum.powerNorms(wh.value(), h, maxDistance, kernels);
                out.println("activation identity: dh(t)/dh(t-l) is exactly W_h^l; prediction next to the measurement");
            } else {
                out.printf("activation %s: dh(t)/dh(t-l) = prod diag(sigma'(.)) W_h; |lambda_max|^l shown for scale%n",
                        activation);
            }
        } else {
            out.println("the cell has no W_h: no spectrum");
        }
        out.printf("probe: %d positions x %d streams, untruncated backpropagation up to l = %d%n", flow.positions(),
                flow.rows(), maxDistance);
        out.printf("%8s  %14s  %12s  %16s%s%n", "distance", "mean |dJ/dh|", "ratio l=0", "|dh(t)/dh(t-l)|",
                wh == null ? "" : linear ? String.format("  %14s  %12s", "|W_h^l| pred.", "|lambda|^l") : String.format("  %12s", "|lambda|^l"));
        for (int l : rows(maxDistance)) {
            out.printf(Locale.ROOT, "%8d  %14.6g  %12.6g  %16.6g", l, flow.lossGradient()[l], flow.ratio(l),
                    flow.jacobian()[l]);
            if (wh != null) {
                if (linear) {
                    out.printf(Locale.ROOT, "  %14.6g", powerNorms[l]);
                }
                out.printf(Locale.ROOT, "  %12.6g", Math.pow(rho, l));
            }
            out.println();
        }
        if (csv != null) {
            writeCsv(flow, powerNorms, rho);
            out.printf("wrote %s%n", csv);
        }
        if (plot != null) {
            Charts.write(plot, List.of(chart(flow, powerNorms, rho)));
            out.printf("wrote %s%n", plot);
        }
        out.flush();
        return ExitCode.OK.code();
    }

    /** 0..10, then about 12 more distances spread geometrically up to L. */
    static int[] rows(int max) {
        java.util.TreeSet<Integer> s = new java.util.TreeSet<>();
        for (int l = 0; l <= Math.min(10, max); l++) {
            s.add(l);
        }
        for (int i = 1; i <= 12; i++) {
            s.add((int) Math.round(Math.pow(max, i / 12.0)));
        }
        s.add(max);
        return s.stream().filter(l -> l <= max).mapToInt(Integer::intValue).toArray();
    }

    static String leadingEigenvalues(float[] w, int n, int count) {
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n * n; i++) {
            m.data[i] = w[i];
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false);
        if (!eig.decompose(m)) {
            return "(the eigenvalue decomposition did not converge)";
        }
        List<Complex_F64> values = new ArrayList<>();
        for (int i = 0; i < eig.getNumberOfEigenvalues(); i++) {
            values.add(eig.getEigenvalue(i));
        }
        values.sort(Comparator.comparingDouble(Complex_F64::getMagnitude).reversed());
        List<String> shown = new ArrayList<>();
        for (Complex_F64 c : values) {
            if (shown.size() >= count) {
                break;
            }
            if (c.getImaginary() < -1e-9) {
                continue; // shown with its conjugate
            }
            shown.add(Math.abs(c.getImaginary()) < 1e-9
                    ? String.format(Locale.ROOT, "%.4f", c.getReal())
                    : String.format(Locale.ROOT, "%.4f±%.4fi (|%.4f|)", c.getReal(), c.getImaginary(), c.getMagnitude()));
        }
        return String.join(", ", shown);
    }

    private void writeCsv(GradientFlow flow, double[] powerNorms, double rho) {
        StringBuilder sb = new StringBuilder("distance,mean_grad_norm,ratio,jacobian_rms,power_norm_pred,lambda_pow\n");
        for (int l = 0; l <= flow.maxDistance(); l++) {
            sb.append(String.format(Locale.ROOT, "%d,%.8g,%.8g,%.8g,%s,%s%n", l, flow.lossGradient()[l], flow.ratio(l),
                    flow.jacobian()[l], powerNorms == null ? "" : String.format(Locale.ROOT, "%.8g", powerNorms[l]),
                    Double.isNaN(rho) ? "" : String.format(Locale.ROOT, "%.8g", Math.pow(rho, l))));
        }
        try {
            Path tmp = Charts.tempBeside(csv.toAbsolutePath());
            Files.writeString(tmp, sb);
            Files.move(tmp, csv.toAbsolutePath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(csv + ": cannot write: " + e.getMessage(), e);
        }
    }

    private XYChart chart(GradientFlow flow, double[] powerNorms, double rho) {
        XYChart c = Charts.chart("Gradient flow through time (" + model.path().getFileName() + ")", "distance l",
                "norm (log scale)", true, 900, 560);
        double[] x = IntStream.rangeClosed(0, flow.maxDistance()).asDoubleStream().toArray();
        c.addSeries("mean |dJ_t/dh(t-l)| / (l = 0)", x, positive(IntStream.rangeClosed(0, flow.maxDistance())
                .mapToDouble(flow::ratio).toArray()));
        c.addSeries("|dh(t)/dh(t-l)| (RMS singular value)", x, positive(flow.jacobian()));
        if (powerNorms != null) {
            c.addSeries("prediction |W_h^l| (RMS)", x, positive(powerNorms));
        }
        // keep the axis on the measurements: the |lambda|^l line may run far beyond them
        double lo = Double.POSITIVE_INFINITY;
        double hi = 1;
        for (int l = 0; l <= flow.maxDistance(); l++) {
            for (double v : new double[] {flow.ratio(l), flow.jacobian()[l], powerNorms == null ? 1 : powerNorms[l]}) {
                if (v > 0 && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        c.getStyler().setYAxisMin(Math.max(1e-300, lo / 10));
        c.getStyler().setYAxisMax(hi * 10);
        if (!Double.isNaN(rho)) {
            c.addSeries(String.format(Locale.ROOT, "|lambda_max|^l, rho = %.3f", rho), x,
                    positive(IntStream.rangeClosed(0, flow.maxDistance()).mapToDouble(l -> Math.pow(rho, l)).toArray()));
        }
        return c;
    }

    /** Log axes cannot show 0: clamp to the smallest positive double's neighbourhood. */
    static double[] positive(double[] a) {
        return Arrays.stream(a).map(v -> Double.isFinite(v) && v > 1e-300 ? v : 1e-300).toArray();
    }
}
