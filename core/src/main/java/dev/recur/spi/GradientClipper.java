package dev.recur.spi;

import java.util.List;

/**
 * Limits gradients in place before the optimizer step, and reports what it did.
 *
 * <p>Lifecycle: stateless between calls unless documented otherwise; it mutates only the gradients of the
 * given parameters. NaN/Inf policy: when the gradients hold a non-finite value, a clipper must not spread
 * it further (for example by scaling every gradient with NaN); it reports {@link ClipReport#finite()} =
 * false and leaves the decision to skip the step to the trainer.
 */
public interface GradientClipper {

    /** Clips the gradients of {@code parameters} in place. */
    ClipReport clip(List<Parameter> parameters);
}
