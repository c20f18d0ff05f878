package dev.recur.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Kernels;
import dev.recur.spi.OutputLayer;
import dev.recur.spi.OutputWorkspace;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The adaptive and class softmaxes process the rows of each cluster in chunks that bound their workspace: any
 * chunk size gives the same loss, gradients, log-probabilities and scores, bit for bit. And rnnlm's frequency
 * binning.
 */
class FactoredSoftmaxTest {

    static final long SEED = 23L;

    private static void sameResults(IntFunction<OutputLayer> make, int h, int vocab) {
        int rows = 37;
        SplittableRandom r = new SplittableRandom(SEED);
        float[] x = new float[rows * h];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        int[] t = new int[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = r.nextInt(vocab);
        }
        OutputLayer whole = make.apply(1 << 23);
        OutputLayer chunked = make.apply(3 * vocab); // a few rows per chunk
        OutputWorkspace ww = whole.newWorkspace(rows);
        OutputWorkspace cw = chunked.newWorkspace(rows);
        float[] dx1 = new float[rows * h];
        float[] dx2 = new float[rows * h];
        assertEquals(whole.lossAndGradient(ww, rows, x, 0, t, 0, 0.25f, dx1, 0),
                chunked.lossAndGradient(cw, rows, x, 0, t, 0, 0.25f, dx2, 0), "loss, seed " + SEED);
        assertArrayEquals(dx1, dx2, "dInput");
        List<Parameter> a = whole.parameters();
        List<Parameter> b = chunked.parameters();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).grad(), b.get(i).grad(), a.get(i).name());
        }
        double[] l1 = new double[rows];
        double[] l2 = new double[rows];
        whole.targetLogProbabilities(ww, rows, x, 0, t, 0, l1, 0);
        chunked.targetLogProbabilities(cw, rows, x, 0, t, 0, l2, 0);
        assertArrayEquals(l1, l2);
        float[] s1 = new float[rows * vocab];
        float[] s2 = new float[rows * vocab];
        whole.nextTokenScores(ww, rows, x, 0, s1, 0);
        chunked.nextTokenScores(cw, rows, x, 0, s2, 0);
        assertArrayEquals(s1, s2);
        for (int i = 0; i < rows; i++) {
            assertEquals(l1[i], s1[i * vocab + t[i]], 1e-5, "the scores are the log-probabilities, row " + i);
        }
    }

    @Test
    void adaptiveGivesTheSameBitsForAnyChunkSize() {
        sameResults(chunk -> new AdaptiveSoftmax(8, 50, new int[] {10, 25}, 2, true, new SplittableRandom(SEED),
                Kernels.get(), chunk), 8, 50);
    }

    @Test
    void classGivesTheSameBitsForAnyChunkSize() {
        sameResults(chunk -> new ClassSoftmax(8, 50, ClassSoftmax.frequencyBins(null, 50, 5), null,
                new SplittableRandom(SEED), Kernels.get(), chunk), 8, 50);
    }

    @Test
    void frequencyBinningGivesFrequentWordsSmallClasses() {
        long[] zipf = new long[1000];
        for (int i = 0; i < zipf.length; i++) {
            zipf[i] = 100_000 / (i + 1);
        }
        int[] b = ClassSoftmax.frequencyBins(zipf, 1000, 10);
        assertEquals(11, b.length);
        assertEquals(0, b[0]);
        assertEquals(1000, b[10]);
        long total = java.util.Arrays.stream(zipf).sum();
        for (int c = 0; c < 10; c++) {
            assertTrue(b[c + 1] > b[c], "every class has an id: " + java.util.Arrays.toString(b));
        }
        // rnnlm's rule: class c closes at the first id where the cumulative mass passes (c+1)/10
        long cum = 0;
        int c = 0;
        for (int i = 0; i < 1000 && c < 9; i++) {
            cum += zipf[i];
            if (cum / (double) total > (c + 1) / 10.0) {
                assertEquals(i + 1, b[++c], "boundary " + c);
            }
        }
        assertTrue(b[1] < 5 && 1000 - b[9] > b[9] - b[8], "frequent words in small classes, rare ones in large: "
                + java.util.Arrays.toString(b));
        int[] equal = ClassSoftmax.frequencyBins(null, 10, 3);
        assertArrayEquals(new int[] {0, 3, 6, 10}, equal);
        assertArrayEquals(new int[] {0, 1, 2, 3}, ClassSoftmax.frequencyBins(new long[] {100, 0, 0}, 3, 3),
                "every class keeps at least one id");
        assertThrows(IllegalArgumentException.class, () -> ClassSoftmax.frequencyBins(null, 3, 4));
    }
}
