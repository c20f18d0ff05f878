package dev.recur.io;

import com.google.protobuf.ByteString;
import dev.recur.io.proto.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Float arrays ⇄ {@link Tensor} messages (little-endian packed floats). */
final class Tensors {

    private Tensors() {
    }

    static Tensor of(String name, int[] shape, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        Tensor.Builder b = Tensor.newBuilder().setName(name).setData(ByteString.copyFrom(buf.array()));
        for (int d : shape) {
            b.addShape(d);
        }
        return b.build();
    }

    /** Number of elements the shape declares, or −1 when a dimension is not positive or the product is absurd. */
    static long elements(Tensor t) {
        long n = 1;
        for (int d : t.getShapeList()) {
            if (d <= 0) {
                return -1;
            }
            n *= d;
            if (n > Integer.MAX_VALUE / 4) {
                return -1;
            }
        }
        return t.getShapeCount() == 0 ? -1 : n;
    }

    /**
     * Copies the tensor's values into {@code into}, checking that they are all finite.
     *
     * @return null, or the index of the first non-finite value as a message
     */
    static String copyFinite(Tensor t, float[] into) {
        ByteBuffer buf = t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().get(into);
        for (int i = 0; i < into.length; i++) {
            if (!Float.isFinite(into[i])) {
                return "element " + i + " is " + into[i];
            }
        }
        return null;
    }
}
