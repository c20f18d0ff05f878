package dev.recur.optim;

import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.spi.ClipReport;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.Parameter;
import java.util.List;

/** Changes nothing; still measures the global norm, so non-finite gradients are reported. */
public final class NoClipper implements GradientClipper {

    private final MathKernels k;

    public NoClipper(MathKernels kernels) {
        this.k = kernels;
    }

    public NoClipper() {
        this(Kernels.get());
    }

    @Override
    public ClipReport clip(List<Parameter> parameters) {
        double norm = GlobalNormClipper.globalNorm(parameters, k);
        return new ClipReport(norm, norm, false);
    }
}
