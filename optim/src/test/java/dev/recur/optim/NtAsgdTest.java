package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.spi.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * NT-ASGD: SGD steps, the non-monotone trigger as Merity et al. state it (worse than the best of all validations
 * but the last {@code nonmono}), the running mean of the iterates from the trigger on, the swap, the state.
 */
class NtAsgdTest {

    static final long SEED = 8675309L;

    static List<Parameter> params(SplittableRandom r) {
        List<Parameter> ps = List.of(new Parameter("a", 3, 4), new Parameter("b", 5));
        for (Parameter p : ps) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = (float) r.nextGaussian();
            }
        }
        return ps;
    }

    static void randomGradients(List<Parameter> ps, SplittableRandom r) {
        for (Parameter p : ps) {
            for (int i = 0; i < p.size(); i++) {
                p.grad()[i] = (float) r.nextGaussian();
            }
        }
    }

    @Test
    void beforeTheTriggerItIsSgdWithWeightDecayBitForBit() {
        SplittableRandom r1 = new SplittableRandom(SEED);
        SplittableRandom r2 = new SplittableRandom(SEED);
        List<Parameter> a = params(r1);
        List<Parameter> b = params(r2);
        NtAsgd nt = new NtAsgd(3, 0.01);
        Sgd sgd = new Sgd(0, false, 0.01);
        for (int s = 0; s < 20; s++) {
            randomGradients(a, r1);
            randomGradients(b, r2);
            nt.step(a, 0.05);
            sgd.step(b, 0.05);
            nt.afterValidation(10 - s * 0.1); // improving: no trigger
        }
        assertFalse(nt.hasAverage());
        assertEquals(-1, nt.averagingStart());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(b.get(i).value(), a.get(i).value());
        }
    }

    /** The rule written out as in the AWD-LSTM code: trigger when len(history) > n and loss > min(history[:-n]). */
    static int referenceTrigger(double[] losses, int nonmono) {
        List<Double> history = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            if (history.size() > nonmono
                    && losses[i] > history.subList(0, history.size() - nonmono).stream().min(Double::compare).get()) {
                return i;
            }
            history.add(losses[i]);
        }
        return -1;
    }

    @Test
    void triggersAtTheFirstValidationWorseThanTheBestBeforeTheLastNonmono() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int trial = 0; trial < 500; trial++) {
            int nonmono = 1 + r.nextInt(5);
            double[] losses = new double[4 + r.nextInt(12)];
            double level = 6;
            for (int i = 0; i < losses.length; i++) {
                level -= r.nextDouble() * 0.3;
                losses[i] = level + r.nextDouble() * 0.6; // a falling trend with noise
            }
            int expected = referenceTrigger(losses, nonmono);
            NtAsgd nt = new NtAsgd(nonmono, 0);
            List<Parameter> ps = params(r);
            int got = -1;
            for (int i = 0; i < losses.length; i++) {
                randomGradients(ps, r);
                nt.step(ps, 0.01);
                nt.afterValidation(losses[i]);
                if (got < 0 && nt.averagingStart() >= 0) {
                    got = i;
                    assertEquals(i + 1, nt.averagingStart(), "t0 is the step count at the trigger");
                }
            }
            assertEquals(expected, got, "nonmono " + nonmono + ", losses " + java.util.Arrays.toString(losses)
                    + ", seed " + SEED + " trial " + trial);
        }
    }

    @Test
    void averagesTheIteratesFromTheTriggerOnAndSwapsThem() {
        SplittableRandom r = new SplittableRandom(SEED);
        List<Parameter> ps = params(r);
        NtAsgd nt = new NtAsgd(1, 0.001);
        randomGradients(ps, r);
        nt.step(ps, 0.1);
        nt.afterValidation(3.0);
        nt.afterValidation(2.0);
        nt.afterValidation(2.5); // worse than min(history[:-1]) = 3.0? no: 2.5 < 3.0
        assertFalse(nt.hasAverage());
        nt.afterValidation(3.5); // 3.5 > min(3.0, 2.0) → trigger
        assertEquals(1, nt.averagingStart());
        assertFalse(nt.hasAverage(), "nothing averaged before the next step");
        assertThrows(IllegalStateException.class, () -> nt.swapAverage(ps));
        double[][] sum = new double[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            sum[i] = new double[ps.get(i).size()];
        }
        int n = 37;
        for (int s = 0; s < n; s++) {
            randomGradients(ps, r);
            nt.step(ps, 0.1);
            for (int i = 0; i < ps.size(); i++) {
                for (int j = 0; j < ps.get(i).size(); j++) {
                    sum[i][j] += ps.get(i).value()[j];
                }
            }
        }
        assertTrue(nt.hasAverage());
        float[][] raw = ps.stream().map(p -> p.value().clone()).toArray(float[][]::new);
        nt.swapAverage(ps);
        for (int i = 0; i < ps.size(); i++) {
            for (int j = 0; j < ps.get(i).size(); j++) {
                assertEquals(sum[i][j] / n, ps.get(i).value()[j], 1e-5, "the mean of the " + n + " iterates, seed " + SEED);
            }
        }
        nt.swapAverage(ps);
        for (int i = 0; i < ps.size(); i++) {
            assertArrayEquals(raw[i], ps.get(i).value(), "swapping twice restores the iterate");
        }
        nt.afterValidation(100); // once averaging, validations change nothing
        assertEquals(1, nt.averagingStart());
    }

    @Test
    void restoredStateContinuesBitForBitThroughTheTrigger() {
        for (int cut : new int[] {3, 9, 15}) {
            SplittableRandom r1 = new SplittableRandom(SEED);
            List<Parameter> a = params(r1);
            SplittableRandom r2 = new SplittableRandom(SEED);
            List<Parameter> b = params(r2);
            double[] losses = {5, 4, 3.9, 4.2, 3.8, 4.5, 4.4, 4.3, 4.6, 4.7, 4.1, 4.0, 3.9, 3.8, 3.7, 3.6, 3.5, 3.4};
            NtAsgd full = new NtAsgd(2, 0.01);
            NtAsgd first = new NtAsgd(2, 0.01);
            NtAsgd second = null;
            for (int s = 0; s < losses.length; s++) {
                randomGradients(a, r1);
                randomGradients(b, r2);
                full.step(a, 0.05);
                full.afterValidation(losses[s]);
                NtAsgd o = s < cut ? first : second;
                o.step(b, 0.05);
                o.afterValidation(losses[s]);
                if (s == cut - 1) {
                    second = (NtAsgd) new NtAsgdProvider().create(Map.of("nonmono", "2", "weight-decay", "0.01"));
                    second.restore(first.state());
                }
            }
            assertTrue(full.hasAverage(), "the losses trigger averaging");
            assertEquals(full.averagingStart(), second.averagingStart());
            full.swapAverage(a);
            second.swapAverage(b);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).value(), b.get(i).value(), "cut at " + cut);
            }
        }
    }

    @Test
    void badOptionsAreRefused() {
        NtAsgdProvider p = new NtAsgdProvider();
        assertThrows(IllegalArgumentException.class, () -> p.create(Map.of("nonmono", "0")));
        assertThrows(IllegalArgumentException.class, () -> p.create(Map.of("weight-decay", "-1")));
        assertThrows(IllegalArgumentException.class, () -> new NtAsgd(2, 0).restore(new Adam(0.9, 0.999, 1e-8, 0).state()));
    }
}
