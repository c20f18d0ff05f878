package dev.recur.math;

import dev.recur.math.internal.ScalarKernels;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Chooses the {@link MathKernels} implementation once per JVM.
 *
 * <p>The Vector API implementation is used when the {@code jdk.incubator.vector} module is in the boot
 * layer (the JVM was started with {@code --add-modules jdk.incubator.vector}); otherwise the scalar
 * reference is used and one warning names the missing flag. The system property {@code recur.kernels}
 * ({@code vector} | {@code scalar}) overrides the choice. The scalar path never loads an incubator class:
 * the vector implementation is only loaded by name, after the module check.
 */
public final class Kernels {

    /** System property that forces an implementation: {@code vector} or {@code scalar}. */
    public static final String PROPERTY = "recur.kernels";

    private static final System.Logger LOG = System.getLogger(Kernels.class.getName());

    private Kernels() {
    }

    private static final class Holder {
        static final MathKernels INSTANCE = choose();
    }

    /**
     * The implementation chosen for this JVM.
     *
     * @return the kernels
     */
    public static MathKernels get() {
        return Holder.INSTANCE;
    }

    /**
     * Whether the {@code jdk.incubator.vector} module is present in the boot layer.
     *
     * @return whether the module is present
     */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * The scalar reference implementation.
     *
     * @return the scalar kernels
     */
    public static MathKernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /**
     * A new Vector API implementation.
     *
     * @return the Vector API kernels
     * @throws IllegalStateException when the JVM was started without the vector module
     */
    public static MathKernels vector() {
        if (!vectorModulePresent()) {
            throw new IllegalStateException(
                    "the Vector API is not available: start the JVM with --add-modules jdk.incubator.vector");
        }
        try {
            return (MathKernels) Class.forName("dev.recur.math.internal.VectorKernels").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the Vector API kernels: " + e, e);
        }
    }

    private static MathKernels choose() {
        String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        switch (forced) {
            case "scalar":
                LOG.log(Level.DEBUG, "kernels: scalar (forced by -D" + PROPERTY + ")");
                return scalar();
            case "vector":
                return vector();
            case "":
                break;
            default:
                throw new IllegalArgumentException(
                        "system property " + PROPERTY + " must be 'vector' or 'scalar', got '" + forced + "'");
        }
        if (vectorModulePresent()) {
            return vector();
        }
        LOG.log(Level.WARNING, "jdk.incubator.vector is not available; using the slow scalar kernels. "
                + "Start the JVM with --add-modules jdk.incubator.vector");
        return scalar();
    }
}
