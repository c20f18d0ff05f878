package com.example.leaky;

import dev.recur.spi.Cell;
import dev.recur.spi.CellSpec;
import dev.recur.testkit.CellContractTest;
import java.util.Map;

/** The whole recur cell contract, gradient check included, for the plugin's cell (built through its provider). */
class LeakyElmanCellTest extends CellContractTest {

    @Override
    protected Cell newCell(int inputSize, int hiddenSize, long seed) {
        return new LeakyElmanCellProvider().create(new CellSpec(inputSize, hiddenSize, Map.of("alpha", "0.3"), seed));
    }
}
