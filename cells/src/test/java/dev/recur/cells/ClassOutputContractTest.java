package dev.recur.cells;

import dev.recur.output.ClassSoftmaxProvider;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.testkit.OutputLayerContractTest;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The {@code class} output layer against the output-layer contract, untied and tied, with and without counts. */
class ClassOutputContractTest {

    @Nested
    class FourClassesEqualBins extends OutputLayerContractTest {
        @Override
        protected OutputLayerProvider provider() {
            return new ClassSoftmaxProvider();
        }

        @Override
        protected Map<String, String> options() {
            return Map.of("classes", "4");
        }
    }

    @Nested
    class AutoClassesFromZipfCounts extends OutputLayerContractTest {
        @Override
        protected OutputLayerProvider provider() {
            return new ClassSoftmaxProvider();
        }

        @Override
        protected long[] tokenCounts() {
            long[] c = new long[vocabSize()];
            for (int i = 0; i < c.length; i++) {
                c[i] = 1000 / (i + 1);
            }
            return c;
        }
    }
}
