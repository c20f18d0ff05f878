package dev.recur.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.Checkpoints;
import dev.recur.io.ModelFiles;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.Regularization;
import dev.recur.spi.Parameter;
import dev.recur.spi.ProviderChoice;
import dev.recur.spi.Providers;
import dev.recur.text.TextFiles;
import dev.recur.text.Tokenizer;
import dev.recur.text.Tokenizers;
import dev.recur.text.Vocabulary;
import dev.recur.train.Checkpoint;
import dev.recur.train.RunSpec;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recur spark-train} on {@code local[N]}, through its command line: one worker computes exactly what the
 * engine computes in one process (round boundaries, epoch ends inside rounds, validation, a plateau schedule and
 * dropout included); two workers give the same bits twice; a run resumed from a driver checkpoint continues it
 * exactly; bad input is a one-line error with the documented exit code.
 */
class SparkTrainTest {

    @TempDir
    static Path dir;
    static Path train;
    static Path valid;
    static Providers providers = Providers.load();

    @BeforeAll
    static void data() throws Exception {
        train = Files.writeString(dir.resolve("train.txt"), SparkTests.corpus(550, 1));
        valid = Files.writeString(dir.resolve("valid.txt"), SparkTests.corpus(120, 2));
    }

    /** The settings every run here shares (small model; epochs end inside rounds: 9-token windows, K = 16). */
    private static List<String> args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--corpus", train.toString(), "--valid", valid.toString(),
                "--level", "word", "--hidden", "24", "--embedding", "16", "--bptt", "9", "--batch", "4",
                "--dropout", "0.1", "--schedule", "plateau", "--schedule-option", "mode=on-stall",
                "--schedule-option", "min-improvement=1.05", "--eval-every", "32", "--sync-every", "16",
                "--seed", "5", "--out", out.toString(), "--sample-length", "0"));
        a.addAll(List.of(more));
        return a;
    }

    private static SparkTests.Run run(List<String> args) {
        SparkTests.Run r = SparkTests.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), () -> "exit code; stderr:\n" + r.err());
        return r;
    }

    private static float[][] weights(LanguageModel lm) {
        List<Parameter> ps = lm.network().parameters();
        float[][] w = new float[ps.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = ps.get(i).value().clone();
        }
        return w;
    }

    private static float[][] weights(Path modelFile) {
        return weights(ModelFiles.load(modelFile, providers, Kernels.get()));
    }

    private static void assertSameBits(float[][] a, float[][] b, String what) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            int[] x = new int[a[i].length];
            int[] y = new int[b[i].length];
            for (int j = 0; j < x.length; j++) {
                x[j] = Float.floatToRawIntBits(a[i][j]);
            }
            for (int j = 0; j < y.length; j++) {
                y[j] = Float.floatToRawIntBits(b[i][j]);
            }
            assertArrayEquals(x, y, what + ": parameter " + i);
        }
    }

    @Test
    void oneWorkerComputesExactlyWhatTheEngineComputesInOneProcess() {
        // first another model in this JVM: executors keep scratch models between rounds, never between runs
        List<String> other = new ArrayList<>(args(dir.resolve("other.recur"), "--master", "local[1]", "--workers", "1",
                "--max-steps", "16"));
        other.set(other.indexOf("--hidden") + 1, "12");
        run(other);
        Path out = dir.resolve("one.recur");
        SparkTests.Run r = run(args(out, "--master", "local[1]", "--workers", "1", "--epochs", "2"));
        assertTrue(r.err().contains("round 1 "), r.err());

        // the same run as recur train runs it: the engine in one process, on the same text
        Tokenizer tok = Tokenizers.of("word", 1, 0);
        String text = TextFiles.readUtf8(train);
        Vocabulary vocab = tok.buildVocabulary(text);
        ModelSpec ms = new ModelSpec("elman", Map.of(), vocab.size(), 16, 24, 1, 0.1, false, "softmax", Map.of());
        TrainerConfig cfg = new TrainerConfig(4, 9, 0, 2, null, 32, 50, SparkTrain.EVAL_BATCH, SparkTrain.MAX_BAD_STEPS,
                5, 0, 0);
        RunSpec spec = RunSpec.of(ms).withSchedule(new ProviderChoice("plateau",
                Map.of("mode", "on-stall", "min-improvement", "1.05"))).withTrainer(cfg);
        TrainingRun ref = TrainingRun.start(spec, tok, vocab, providers, Kernels.get());
        var result = ref.train(tok.encode(text, vocab), tok.encode(TextFiles.readUtf8(valid), vocab));
        assertTrue(result.steps() > 100, "the reference trains: " + result);
        assertTrue(result.epochs() == 2, "two epochs: " + result);
        assertSameBits(weights(ref.model()), weights(out), "one worker vs one process");
    }

    @Test
    void theRegularisersTravelWithTheModelAndOneWorkerStillEqualsOneProcess() {
        Path out = dir.resolve("regularised.recur");
        run(args(out, "--master", "local[1]", "--workers", "1", "--epochs", "1", "--layers", "2", "--dropout-hidden",
                "0.2", "--dropout-output", "0.3", "--locked-dropout", "--dropout-embedding", "0.1", "--weight-drop", "0.3",
                "--ar", "1", "--tar", "1"));
        Tokenizer tok = Tokenizers.of("word", 1, 0);
        String text = TextFiles.readUtf8(train);
        Vocabulary vocab = tok.buildVocabulary(text);
        ModelSpec ms = new ModelSpec("elman", Map.of(), vocab.size(), 16, 24, 2,
                new Regularization(0.1, 0.2, 0.3, true, 0.1, 0.3, 1, 1), false, "softmax", Map.of());
        TrainerConfig cfg = new TrainerConfig(4, 9, 0, 1, null, 32, 50, SparkTrain.EVAL_BATCH, SparkTrain.MAX_BAD_STEPS,
                5, 0, 0);
        RunSpec spec = RunSpec.of(ms).withSchedule(new ProviderChoice("plateau",
                Map.of("mode", "on-stall", "min-improvement", "1.05"))).withTrainer(cfg);
        TrainingRun ref = TrainingRun.start(spec, tok, vocab, providers, Kernels.get());
        ref.train(tok.encode(text, vocab), tok.encode(TextFiles.readUtf8(valid), vocab));
        assertEquals(ms.regularization(), ModelFiles.load(out, providers, Kernels.get()).network().regularization(),
                "the model file keeps the regularisers");
        assertSameBits(weights(ref.model()), weights(out), "one worker vs one process, every regulariser on");
    }

    @Test
    void twoWorkersGiveTheSameBitsTwiceAndResumeExactly() {
        Path a = dir.resolve("a.recur");
        Path b = dir.resolve("b.recur");
        run(args(a, "--master", "local[2]", "--workers", "2", "--max-steps", "96"));
        run(args(b, "--master", "local[2]", "--workers", "2", "--max-steps", "96"));
        float[][] wa = weights(a);
        assertSameBits(wa, weights(b), "the same two-worker run twice");

        // a driver checkpoint at step 48, resumed to 96: the uninterrupted run's bits
        Path c = dir.resolve("c.recur");
        Path ckpt = dir.resolve("c.ckpt");
        run(args(c, "--master", "local[2]", "--workers", "2", "--max-steps", "48", "--checkpoint-every", "48",
                "--checkpoint", ckpt.toString()));
        Checkpoint k = Checkpoints.load(ckpt, providers, Kernels.get());
        assertEquals(2, k.replicas().size(), "a driver checkpoint lists both replicas");
        assertEquals(48, k.trainer().step());
        assertFalse(Arrays.equals(k.replicas().get(0).trainer().carried(), k.replicas().get(1).trainer().carried()),
                "each replica carries its own hidden state");
        SparkTests.Run resumed = run(args(c, "--master", "local[2]", "--workers", "2", "--max-steps", "96", "--resume",
                ckpt.toString()));
        assertTrue(resumed.err().contains("round 4 "), "the round sequence continues: " + resumed.err());
        assertSameBits(wa, weights(c), "resumed vs uninterrupted");

        // and one worker is not two (the test can tell runs apart)
        Path one = dir.resolve("one-96.recur");
        run(args(one, "--master", "local[1]", "--workers", "1", "--max-steps", "96"));
        assertFalse(Arrays.equals(wa[0], weights(one)[0]));
    }

    @Test
    void theTreeAggregationAddsInTheOrderTheDriverDoes() {
        // three replicas: the tree adds (r0 + r1) + r2, the driver ((r0 + r1) + r2) — the same bits
        Path driver = dir.resolve("driver3.recur");
        Path tree = dir.resolve("tree3.recur");
        Path tree2 = dir.resolve("tree3b.recur");
        run(args(driver, "--master", "local[2]", "--workers", "3", "--max-steps", "48", "--aggregation", "driver"));
        SparkTests.Run t = run(args(tree, "--master", "local[2]", "--workers", "3", "--max-steps", "48",
                "--aggregation", "tree"));
        assertTrue(t.err().contains("tree aggregation"), t.err());
        assertSameBits(weights(driver), weights(tree), "tree vs driver aggregation, 3 replicas");
        // four replicas: (r0 + r1) + (r2 + r3) is another order, but the same every run
        run(args(tree, "--master", "local[2]", "--workers", "4", "--max-steps", "32", "--aggregation", "tree"));
        run(args(tree2, "--master", "local[2]", "--workers", "4", "--max-steps", "32", "--aggregation", "tree"));
        assertSameBits(weights(tree), weights(tree2), "the tree twice, 4 replicas");
    }

    @Test
    void aDriverKilledMidRunAndResumedFromItsCheckpointGivesTheUninterruptedBits() throws Exception {
        Path whole = dir.resolve("whole.recur");
        run(args(whole, "--master", "local[2]", "--workers", "2", "--max-steps", "96"));

        // the driver in its own JVM, checkpointing every 16 steps, killed with SIGKILL once a checkpoint exists
        Path out = dir.resolve("killed.recur");
        Path ckpt = dir.resolve("killed.ckpt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Arrays.asList(System.getProperty("recur.spark.jvmFlags", "").trim().split("\\s+")));
        cmd.addAll(List.of("-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
                "-Dspark.ui.enabled=false", "-cp", System.getProperty("java.class.path"), "dev.recur.spark.SparkTrain"));
        cmd.addAll(args(out, "--master", "local[2]", "--workers", "2", "--max-steps", "96", "--checkpoint-every", "16",
                "--checkpoint", ckpt.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process driver = pb.start();
        try {
            long end = System.nanoTime() + 120_000_000_000L;
            while (!Files.exists(ckpt) && driver.isAlive() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(new java.util.SplittableRandom(7).nextInt(400)); // somewhere in a later round
            assertTrue(driver.isAlive(), "the driver was still running: " + Files.readString(dir.resolve("killed.log")));
            driver.destroyForcibly().waitFor();
        } finally {
            driver.destroyForcibly();
        }
        Checkpoint k = Checkpoints.load(ckpt, providers, Kernels.get());
        assertTrue(k.trainer().step() % 16 == 0 && k.trainer().step() < 96, "a checkpoint of a round's end: "
                + k.trainer().step());
        assertFalse(Files.exists(out), "the killed run wrote no model");
        run(args(out, "--master", "local[2]", "--workers", "2", "--max-steps", "96", "--resume", ckpt.toString(),
                "--checkpoint", ckpt.toString()));
        assertSameBits(weights(whole), weights(out), "resumed after a killed driver (checkpoint at step "
                + k.trainer().step() + ") vs uninterrupted");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> tmp = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertTrue(tmp.isEmpty(), "no temporary files left: " + tmp);
        }
    }

    @Test
    void badInputIsAOneLineErrorWithItsExitCode() throws Exception {
        Path out = dir.resolve("bad.recur");
        SparkTests.Run missing = SparkTests.run("--master", "local[1]", "--corpus", dir.resolve("nope.txt").toString(),
                "--out", out.toString());
        assertEquals(3, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("nope.txt") && missing.err().strip().lines().count() == 1, missing.err());

        Path bin = dir.resolve("binary.txt");
        Files.write(bin, new byte[] {'a', 'b', ' ', 'c', '\n', 'd', (byte) 0xC3, '(', '\n'});
        SparkTests.Run invalid = SparkTests.run("--master", "local[1]", "--corpus", bin.toString(), "--out",
                out.toString());
        assertEquals(3, invalid.exitCode(), invalid.err());
        assertTrue(invalid.err().contains("not valid UTF-8 (at byte 6)"), invalid.err());

        SparkTests.Run cadence = SparkTests.run("--master", "local[1]", "--corpus", train.toString(), "--eval-every",
                "10", "--sync-every", "16", "--out", out.toString());
        assertEquals(2, cadence.exitCode(), cadence.err());
        assertTrue(cadence.err().contains("multiple of --sync-every"), cadence.err());
        SparkTests.Run averaging = SparkTests.run("--master", "local[1]", "--corpus", train.toString(), "--optimizer",
                "nt-asgd", "--out", out.toString());
        assertEquals(2, averaging.exitCode(), averaging.err());
        assertTrue(averaging.err().contains("does not run nt-asgd yet"), averaging.err());
        SparkTests.Run range = SparkTests.run("--master", "local[1]", "--corpus", train.toString(), "--weight-drop",
                "1.5", "--out", out.toString());
        assertEquals(2, range.exitCode(), range.err());
        assertTrue(range.err().contains("weight drop must be in [0, 1), got 1.5"), range.err());
        assertFalse(Files.exists(out), "no model file after a failed run");
    }
}
