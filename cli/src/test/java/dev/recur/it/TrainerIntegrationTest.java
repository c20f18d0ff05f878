package dev.recur.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.recur.cells.ElmanCell;
import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.RnnLanguageModel;
import dev.recur.optim.Adam;
import dev.recur.optim.GlobalNormClipper;
import dev.recur.optim.NoClipper;
import dev.recur.optim.PlateauSchedule;
import dev.recur.optim.Sgd;
import dev.recur.spi.ClipReport;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.Optimizer;
import dev.recur.spi.Parameter;
import dev.recur.text.CharTokenizer;
import dev.recur.text.CorpusException;
import dev.recur.text.Vocabulary;
import dev.recur.train.StepReport;
import dev.recur.train.Trainer;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainingDivergedException;
import dev.recur.train.TrainingListener;
import dev.recur.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The trainer with real cells and optimizers: it learns, it carries state right, it refuses bad steps. */
class TrainerIntegrationTest {

    static final long SEED = 5L;

    static RnnLanguageModel model(int v, int e, int h, Activation act, long seed) {
        return new RnnLanguageModel(v, e, new ElmanCell(e, h, act, seed), seed, Kernels.get());
    }

    static int[] randomTokens(int n, int v, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(v);
        }
        return t;
    }

    @Test
    void overfitsAShortRepeatedText() {
        String text = "the quick brown fox jumps over the lazy dog. ".repeat(40);
        CharTokenizer tok = new CharTokenizer();
        Vocabulary v = tok.buildVocabulary(text);
        int[] ids = tok.encode(text, v);
        RnnLanguageModel m = model(v.size(), 16, 64, Activation.TANH, SEED);
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(4).withBptt(20).withEpochs(40).withSeed(SEED);
        TrainingResult r = new Trainer(m, new Adam(), new GlobalNormClipper(5), LearningRateSchedule.constant(0.01), cfg)
                .train(ids, null);
        Evaluation e = Evaluator.evaluate(m, ids, 4, 20, "training text");
        assertTrue(e.meanLoss() < 0.05, "training loss after " + r.steps() + " steps should be close to 0, got "
                + e.meanLoss() + " nats (seed " + SEED + ")");
    }

    /**
     * With frozen weights, the losses of one epoch of TBPTT(k1, k2) must add up to the loss of a plain
     * evaluation of the same streams: every position counted once, the state carried exactly.
     */
    @ParameterizedTest(name = "k1={0}, k2={1}")
    @CsvSource({"5,5", "5,7", "5,12", "3,9"})
    void tbpttCountsEveryPositionOnceAndCarriesTheState(int k1, int k2) {
        int v = 11;
        int batch = 3;
        int[] tokens = randomTokens(3 * 47, v, SEED);
        RnnLanguageModel m = model(v, 4, 6, Activation.TANH, SEED);
        Optimizer frozen = mock(Optimizer.class);
        List<StepReport> steps = new ArrayList<>();
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(batch).withBptt(k1).withBpttHistory(k2).withLogEvery(1);
        new Trainer(m, frozen, new NoClipper(), LearningRateSchedule.constant(1), cfg)
                .addListener(new TrainingListener() {
                    @Override
                    public void onStep(StepReport r) {
                        steps.add(r);
                    }
                }).train(tokens, null);
        int usable = 47 - 1;
        assertEquals((usable + k1 - 1) / k1, steps.size(), "steps per epoch");
        double sum = 0;
        long seen = 0;
        for (StepReport r : steps) {
            long rows = r.tokens() - seen;
            sum += r.loss() * rows;
            seen = r.tokens();
        }
        assertEquals((long) usable * batch, seen, "every position counted once");
        Evaluation e = Evaluator.evaluate(m, tokens, batch, 1000, "corpus");
        assertEquals(e.meanLoss() * e.tokens(), sum, 1e-3, "sum of window losses vs a full evaluation");
        verify(frozen, times(steps.size())).step(anyList(), anyDouble());
    }

    @Test
    void nonFiniteStepsAreSkippedAndTrainingStopsAfterSeveral() {
        int v = 9;
        RnnLanguageModel m = model(v, 4, 5, Activation.TANH, SEED);
        float[] before = m.parameter("W_h").value().clone();
        GradientClipper nan = mock(GradientClipper.class);
        when(nan.clip(anyList())).thenReturn(new ClipReport(Double.NaN, Double.NaN, false));
        Optimizer opt = mock(Optimizer.class);
        TrainingListener listener = mock(TrainingListener.class);
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(2).withBptt(4).withMaxBadSteps(3);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(m, opt, nan, LearningRateSchedule.constant(0.1), cfg).addListener(listener)
                        .train(randomTokens(200, v, SEED), null));
        assertTrue(e.getMessage().startsWith("training diverged: 3 consecutive steps with a non-finite loss or gradient"),
                e.getMessage());
        verify(opt, never()).step(anyList(), anyDouble());
        verify(listener, times(3)).onSkippedStep(anyLong(), anyInt(), anyString());
        assertArrayEquals(before, m.parameter("W_h").value(), "skipped steps never reach the weights");
    }

    @Test
    void anIsolatedBadStepIsSkippedAndCounted() {
        int v = 9;
        RnnLanguageModel m = model(v, 4, 5, Activation.TANH, SEED);
        GradientClipper real = new NoClipper();
        GradientClipper onceBad = mock(GradientClipper.class);
        int[] calls = {0};
        when(onceBad.clip(anyList())).thenAnswer(inv -> {
            List<Parameter> ps = inv.getArgument(0);
            return ++calls[0] == 2 ? new ClipReport(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, false) : real.clip(ps);
        });
        TrainingListener listener = mock(TrainingListener.class);
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(2).withBptt(4);
        TrainingResult r = new Trainer(m, new Sgd(), onceBad, LearningRateSchedule.constant(0.1), cfg)
                .addListener(listener).train(randomTokens(200, v, SEED), null);
        assertEquals(1, r.skippedSteps());
        assertEquals(calls[0] - 1, r.steps());
        verify(listener).onSkippedStep(eq(1L), eq(1), anyString());
    }

    @Test
    void explodingTrainingIsReportedNotWrittenIntoTheWeights() {
        // identity σ with a large recurrent matrix and a huge rate: the loss overflows to Inf/NaN
        int v = 5;
        RnnLanguageModel m = new RnnLanguageModel(v, 3,
                new ElmanCell(3, 8, Activation.IDENTITY, dev.recur.cells.Initialization.IRNN, 3.0, SEED, Kernels.get()),
                SEED, Kernels.get());
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(2).withBptt(60).withEpochs(50).withMaxBadSteps(2);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(m, new Sgd(), new NoClipper(), LearningRateSchedule.constant(1e3), cfg)
                        .train(randomTokens(2000, v, SEED), null));
        assertTrue(e.getMessage().contains("lower the learning rate or clip gradients"), e.getMessage());
        for (Parameter p : m.parameters()) {
            for (float x : p.value()) {
                assertTrue(Float.isFinite(x), p.name() + " holds a non-finite weight");
            }
        }
    }

    @Test
    void plateauRollsBackAndTheRunEndsWithTheBestWeights() {
        int v = 13;
        int[] train = randomTokens(3000, v, SEED);
        int[] valid = randomTokens(400, v, SEED + 1);
        RnnLanguageModel m = model(v, 8, 16, Activation.TANH, SEED);
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(4).withBptt(10).withEpochs(20);
        // random tokens: the validation loss soon stops improving, so the plateau rule decays and stops
        TrainingResult r = new Trainer(m, new Adam(), new GlobalNormClipper(5), new PlateauSchedule(0.05, 1.003, 2), cfg)
                .train(train, valid);
        assertTrue(r.stopReason().startsWith("schedule: "), r.stopReason());
        Evaluation now = Evaluator.evaluate(m, valid, cfg.evalBatch(), cfg.bptt(), "validation");
        assertEquals(r.bestValidation().meanLoss(), now.meanLoss(), 1e-6, "the model ends with its best weights");
    }

    @Test
    void aCorpusShorterThanOneWindowIsAClearError() {
        RnnLanguageModel m = model(5, 3, 4, Activation.TANH, SEED);
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(4).withBptt(35);
        CorpusException e = assertThrows(CorpusException.class,
                () -> new Trainer(m, new Sgd(), new NoClipper(), LearningRateSchedule.constant(0.1), cfg)
                        .train(new int[50], null));
        assertEquals("training corpus is too short: 50 tokens in 4 streams give 12 tokens per stream, expected at least "
                + "36 (at least 144 tokens; use a smaller batch or window)", e.getMessage());
        assertThrows(CorpusException.class,
                () -> new Trainer(m, new Sgd(), new NoClipper(), LearningRateSchedule.constant(0.1), cfg)
                        .train(new int[0], null));
    }
}
