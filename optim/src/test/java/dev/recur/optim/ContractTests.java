package dev.recur.optim;

import dev.recur.spi.ClipperProvider;
import dev.recur.spi.OptimizerProvider;
import dev.recur.testkit.GradientClipperContractTest;
import dev.recur.testkit.OptimizerContractTest;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The testkit contracts for every built-in optimizer and clipper. */
class ContractTests {

    @Nested
    class SgdPlain extends OptimizerContractTest {
        protected OptimizerProvider provider() {
            return new SgdProvider();
        }

        protected Map<String, String> options() {
            return Map.of();
        }

        @Override
        protected double learningRate() {
            return 0.1;
        }
    }

    @Nested
    class SgdNesterovWeightDecay extends OptimizerContractTest {
        protected OptimizerProvider provider() {
            return new SgdProvider();
        }

        protected Map<String, String> options() {
            return Map.of("momentum", "0.9", "nesterov", "true", "weight-decay", "0.01");
        }

        @Override
        protected double learningRate() {
            return 0.05;
        }
    }

    @Nested
    class AdamDefault extends OptimizerContractTest {
        protected OptimizerProvider provider() {
            return new AdamProvider();
        }

        protected Map<String, String> options() {
            return Map.of();
        }

        @Override
        protected double learningRate() {
            return 0.05;
        }
    }

    @Nested
    class NtAsgdContract extends OptimizerContractTest {
        protected OptimizerProvider provider() {
            return new NtAsgdProvider();
        }

        protected Map<String, String> options() {
            return Map.of("nonmono", "2", "weight-decay", "0.001");
        }

        @Override
        protected double learningRate() {
            return 0.05;
        }
    }

    @Nested
    class GlobalNorm extends GradientClipperContractTest {
        protected ClipperProvider provider() {
            return new GlobalNormClipperProvider();
        }
    }

    @Nested
    class None extends GradientClipperContractTest {
        protected ClipperProvider provider() {
            return new NoClipperProvider();
        }
    }

    @Nested
    class AdagradContract extends OptimizerContractTest {
        protected OptimizerProvider provider() {
            return new MoreOptimizerProviders.AdagradProvider();
        }

        protected Map<String, String> options() {
            return Map.of("initial-accumulator", "0.1");
        }

        @Override
        protected double learningRate() {
            return 0.1;
        }
    }

    @Nested
    class RmsPropContract extends OptimizerContractTest {
        protected OptimizerProvider provider() {
            return new MoreOptimizerProviders.RmsPropProvider();
        }

        protected Map<String, String> options() {
            return Map.of();
        }

        @Override
        protected double learningRate() {
            return 0.01;
        }
    }

    @Nested
    class AdamWContract extends OptimizerContractTest {
        protected OptimizerProvider provider() {
            return new MoreOptimizerProviders.AdamWProvider();
        }

        protected Map<String, String> options() {
            return Map.of();
        }

        @Override
        protected double learningRate() {
            return 0.05;
        }
    }

    @Nested
    class PerParameterNorm extends GradientClipperContractTest {
        protected ClipperProvider provider() {
            return new MoreClippers.PerParameterNormProvider();
        }
    }

    @Nested
    class Value extends GradientClipperContractTest {
        protected ClipperProvider provider() {
            return new MoreClippers.ValueProvider();
        }
    }

    @Nested
    class Adaptive extends GradientClipperContractTest {
        protected ClipperProvider provider() {
            return new MoreClippers.AdaptiveProvider();
        }
    }
}
