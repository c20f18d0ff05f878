package dev.recur.spi;

import java.util.List;

/**
 * Limits gradients in place before the optimizer step, and reports what it did.
 *
 * <h2>Contract (checked by {@code GradientClipperContractTest} in recur-testkit)</h2>
 * <ul>
 *   <li>Lifecycle: stateless between calls unless documented otherwise. It mutates only the gradients of the
 *       given parameters, never their values.
 *   <li>The report: {@link ClipReport#normBefore()} is the global L2 norm of all gradients before clipping,
 *       {@link ClipReport#normAfter()} the norm it left them with, {@link ClipReport#clipped()} whether it
 *       changed anything. Small gradients (a global norm around 1e-6) are left unchanged and not reported as
 *       clipped.
 *   <li>NaN/Inf policy: when the gradients hold a non-finite value, a clipper must not spread it (for example
 *       by scaling every gradient with NaN) and must leave the finite gradients as they are; it reports
 *       {@link ClipReport#finite()} = false and leaves the decision to skip the step to the trainer.
 *   <li>Its provider rejects unknown options with a message naming them.
 * </ul>
 */
public interface GradientClipper {

    /**
     * Clips the gradients of {@code parameters} in place.
     *
     * @param parameters the parameters whose gradients to clip
     * @return what it did
     */
    ClipReport clip(List<Parameter> parameters);
}
