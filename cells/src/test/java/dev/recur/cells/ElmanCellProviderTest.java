package dev.recur.cells;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.math.Activation;
import dev.recur.spi.CellProvider;
import dev.recur.spi.CellSpec;
import dev.recur.spi.ProviderRegistry;
import dev.recur.spi.UnknownProviderException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElmanCellProviderTest {

    @Test
    void isFoundByServiceLoader() {
        ProviderRegistry<CellProvider> r = ProviderRegistry.load("cell", CellProvider.class);
        assertEquals("elman", r.get("elman").name());
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> r.get("tcn"));
        assertEquals("unknown cell 'tcn'; available: elman, gru, lstm (add the jar that provides it to the classpath)",
                e.getMessage());
    }

    @Test
    void optionsAreValidated() {
        CellProvider p = new ElmanCellProvider();
        assertEquals("option 'activation' of cell 'elman' must be one of tanh, sigmoid, relu, identity, got 'softsign'",
                assertThrows(IllegalArgumentException.class,
                        () -> p.create(new CellSpec(2, 3, Map.of("activation", "softsign"), 1))).getMessage());
        assertEquals("option 'init' of cell 'elman' must be one of uniform, xavier, irnn, got 'zeros'",
                assertThrows(IllegalArgumentException.class,
                        () -> p.create(new CellSpec(2, 3, Map.of("init", "zeros"), 1))).getMessage());
        assertEquals("option 'init-scale' of cell 'elman' must be a number in [0, 1000000], got '-2'",
                assertThrows(IllegalArgumentException.class,
                        () -> p.create(new CellSpec(2, 3, Map.of("init-scale", "-2"), 1))).getMessage());
        assertEquals("unknown option 'actvation' for cell 'elman'; known options: activation, init, init-scale",
                assertThrows(IllegalArgumentException.class,
                        () -> p.create(new CellSpec(2, 3, Map.of("actvation", "tanh"), 1))).getMessage());
        assertEquals("hiddenSize must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new CellSpec(2, 0, Map.of(), 1)).getMessage());
    }

    @Test
    void initialisationSchemes() {
        ElmanCell irnn = (ElmanCell) new ElmanCellProvider().create(
                new CellSpec(3, 4, Map.of("init", "irnn", "init-scale", "0.5", "activation", "relu"), 9));
        float[] wh = irnn.parameters().get(1).value();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(i == j ? 0.5f : 0f, wh[i * 4 + j], "IRNN W_h = 0.5 I");
            }
        }
        assertEquals(Activation.RELU, irnn.activation());
        ElmanCell xavier = (ElmanCell) new ElmanCellProvider().create(new CellSpec(3, 4, Map.of("init", "xavier"), 9));
        double bound = Math.sqrt(6.0 / 7);
        for (float w : xavier.parameters().get(0).value()) {
            assertEquals(0, w, bound, "xavier W_e within ±sqrt(6/(in+out))");
        }
        ElmanCell uni = (ElmanCell) new ElmanCellProvider().create(new CellSpec(3, 4, Map.of(), 9));
        for (float w : uni.parameters().get(1).value()) {
            assertEquals(0, w, 0.5, "uniform within ±1/sqrt(H)");
        }
    }
}
