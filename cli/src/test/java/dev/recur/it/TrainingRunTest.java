package dev.recur.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.ComputeContext;
import dev.recur.math.Kernels;
import dev.recur.model.ModelSpec;
import dev.recur.spi.Parameter;
import dev.recur.spi.ProviderChoice;
import dev.recur.spi.Providers;
import dev.recur.spi.UnknownProviderException;
import dev.recur.text.CharTokenizer;
import dev.recur.text.Vocabulary;
import dev.recur.train.Checkpoint;
import dev.recur.train.RunSpec;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainingListener;
import dev.recur.train.TrainingResult;
import dev.recur.train.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The training run owned by core, driven from plain Java: threads, resume, the learning rate's one owner. */
class TrainingRunTest {

    static final long SEED = 17L;

    private static String text(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        String words = "the cat sat on a mat and then ran off to see the dog who barked at it all day long ";
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            int i = r.nextInt(words.length() - 12);
            sb.append(words, i, i + 6 + r.nextInt(6));
        }
        return sb.toString();
    }

    private static float[][] weights(TrainingRun run) {
        List<Parameter> ps = run.model().network().parameters();
        float[][] w = new float[ps.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = ps.get(i).value().clone();
        }
        return w;
    }

    @Test
    void weightsAfterTrainingAreTheSameBitsOnOneAndTwoThreads() {
        CharTokenizer tok = new CharTokenizer();
        String text = text(SEED, 60_000);
        Vocabulary vocab = tok.buildVocabulary(text);
        int[] ids = tok.encode(text, vocab);
        // large enough that the products are split across threads (more than 2^18 flops each)
        ModelSpec ms = new ModelSpec("lstm", Map.of(), vocab.size(), 64, 256, 2, 0.1, false);
        RunSpec spec = RunSpec.of(ms).withLearningRate(0.003).withTrainer(TrainerConfig.defaults().withBatchSize(16)
                .withBptt(24).withMaxSteps(12).withEvalEvery(5).withSeed(SEED));
        List<float[][]> results = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            try (ComputeContext ctx = ComputeContext.open(Kernels.get(), threads)) {
                TrainingRun run = TrainingRun.start(spec, tok, vocab, Providers.load(), ctx.kernels());
                TrainingResult r = run.train(java.util.Arrays.copyOf(ids, 50_000),
                        java.util.Arrays.copyOfRange(ids, 50_000, ids.length));
                assertEquals(12, r.steps());
                results.add(weights(run));
            }
        }
        for (int i = 0; i < results.get(0).length; i++) {
            assertArrayEquals(results.get(0)[i], results.get(1)[i], "parameter " + i + " differs between 1 and 2 threads"
                    + " (seed " + SEED + ")");
        }
    }

    @Test
    void aRunResumedFromItsCheckpointEndsWhereTheUninterruptedRunEnds() {
        CharTokenizer tok = new CharTokenizer();
        String text = text(SEED + 1, 20_000);
        Vocabulary vocab = tok.buildVocabulary(text);
        int[] ids = tok.encode(text, vocab);
        int[] train = java.util.Arrays.copyOf(ids, 16_000);
        int[] valid = java.util.Arrays.copyOfRange(ids, 16_000, ids.length);
        ModelSpec ms = new ModelSpec("elman", Map.of(), vocab.size(), 16, 48, 1, 0.2, false);
        // plateau reacts to every validation: a validation in the wrong place changes the learning rate
        RunSpec spec = RunSpec.of(ms).withOptimizer(ProviderChoice.of("sgd")).withLearningRate(0.5)
                .withSchedule(new ProviderChoice("plateau", Map.of("mode", "on-stall", "min-improvement", "1.05")))
                .withTrainer(TrainerConfig.defaults().withBatchSize(8).withBptt(16).withEvalEvery(5).withEpochs(50)
                        .withMaxSteps(40).withSeed(SEED));
        Providers providers = Providers.load();
        TrainingRun straight = TrainingRun.start(spec, tok, vocab, providers, Kernels.get());
        straight.train(train, valid);
        // stop at step 15: a checkpoint step, a validation step and the last step at once
        TrainingRun first = TrainingRun.start(spec.withTrainer(spec.trainer().withMaxSteps(15).withCheckpointEvery(15)),
                tok, vocab, providers, Kernels.get());
        List<Checkpoint> saved = new ArrayList<>();
        first.addListener(new TrainingListener() {
            @Override
            public void onCheckpoint(Checkpoint c) {
                // a checkpoint's model is live: copy its weights now, as saving it would
                saved.add(c);
                snapshot = weights(first);
            }
        });
        first.train(train, valid);
        assertEquals(1, saved.size());
        Checkpoint c = saved.get(0);
        assertEquals(15, c.trainer().step());
        assertEquals(0, c.trainer().sinceValidation(), "step 15 validated before its checkpoint");
        // resume into a fresh model with the checkpoint's weights
        TrainingRun fresh = TrainingRun.start(spec, tok, vocab, providers, Kernels.get());
        List<Parameter> ps = fresh.model().network().parameters();
        for (int i = 0; i < ps.size(); i++) {
            System.arraycopy(snapshot[i], 0, ps.get(i).value(), 0, snapshot[i].length);
        }
        Checkpoint moved = new Checkpoint(fresh.model(), c.spec(), c.optimizerState(), c.scheduleState(),
                c.dropoutState(), c.trainer());
        TrainingRun resumed = TrainingRun.resume(moved.withLimits(c.spec().trainer().withMaxSteps(40)), providers);
        TrainingResult r = resumed.train(train, valid);
        assertEquals(40, r.steps());
        float[][] a = weights(straight);
        float[][] b = weights(resumed);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "parameter " + ps.get(i).name() + ": resumed != uninterrupted (seed " + SEED + ")");
        }

        // a continued run may change its limits, not what shapes the run
        for (TrainerConfig bad : new TrainerConfig[] {c.spec().trainer().withBatchSize(4), c.spec().trainer().withBptt(8),
            c.spec().trainer().withEvalEvery(3), c.spec().trainer().withSeed(SEED + 1)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.withLimits(bad));
            assertTrue(e.getMessage().startsWith("a resumed run keeps the checkpoint's"), e.getMessage());
        }
        assertEquals(99, c.withLimits(c.spec().trainer().withMaxSteps(99).withEpochs(7)).spec().trainer().maxSteps());

        // a checkpoint already at its step limit trains nothing and says so
        TrainingRun done = TrainingRun.resume(moved.withLimits(c.spec().trainer().withMaxSteps(10)), providers);
        float[][] before = weights(done);
        TrainingResult none = done.train(train, valid);
        assertEquals(15, none.steps(), "no step taken: the result reports the checkpoint's step");
        assertTrue(none.stopReason().contains("already reached"), none.stopReason());
        float[][] after = weights(done);
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], after[i]);
        }
    }

    private float[][] snapshot;

    @Test
    void theScheduleOwnsTheRateAndBadChoicesAreClearErrors() {
        CharTokenizer tok = new CharTokenizer();
        Vocabulary vocab = tok.buildVocabulary("abcdef");
        ModelSpec ms = new ModelSpec("elman", Map.of(), vocab.size(), 4, 8);
        TrainingRun run = TrainingRun.start(RunSpec.of(ms), tok, vocab, Providers.load(), Kernels.get());
        assertEquals(0.001, run.spec().learningRate().getAsDouble(), "adam's default rate, resolved into the spec");
        assertEquals(0.001, run.schedule().learningRate(0));
        assertEquals(Map.of("beta1", "0.9", "beta2", "0.999", "eps", "1e-8"), run.spec().optimizer().options(),
                "every option resolved");
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> TrainingRun.start(
                RunSpec.of(ms).withOptimizer(ProviderChoice.of("adamax")), tok, vocab, Providers.load(), Kernels.get()));
        assertTrue(e.getMessage().contains("available: adagrad, adam, adamw, nt-asgd, rmsprop, sgd"), e.getMessage());
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.start(RunSpec.of(ms).withOptimizer(new ProviderChoice("adam", Map.of("lr", "0.1"))),
                        tok, vocab, Providers.load(), Kernels.get()));
        assertTrue(lr.getMessage().contains("unknown option 'lr'"), lr.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunSpec.of(ms).withLearningRate(Double.NaN));
    }
}
