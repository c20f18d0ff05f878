package dev.recur.cells;

import dev.recur.output.AdaptiveSoftmaxProvider;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.testkit.OutputLayerContractTest;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The {@code adaptive} output layer against the output-layer contract: a shortlist and two tail clusters. */
class AdaptiveOutputContractTest {

    @Nested
    class TwoClusters extends OutputLayerContractTest {
        @Override
        protected OutputLayerProvider provider() {
            return new AdaptiveSoftmaxProvider();
        }

        @Override
        protected Map<String, String> options() {
            return Map.of("cutoffs", "4,8", "divisor", "2");
        }

        @Override
        protected boolean supportsTying() {
            return false;
        }
    }

    @Nested
    class OneClusterNoHeadBias extends OutputLayerContractTest {
        @Override
        protected OutputLayerProvider provider() {
            return new AdaptiveSoftmaxProvider();
        }

        @Override
        protected Map<String, String> options() {
            return Map.of("cutoffs", "9", "divisor", "1", "head-bias", "false");
        }

        @Override
        protected boolean supportsTying() {
            return false;
        }

        @Override
        protected int vocabSize() {
            return 17;
        }
    }
}
