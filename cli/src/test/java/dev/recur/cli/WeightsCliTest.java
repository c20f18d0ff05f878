package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --weights bf16|int8} through the commands a user runs: a small trained model's perplexity on held-out
 * text moves by less than 1 % (int8) and 0.2 % (bf16); sampling, scoring and the bench use it and say so; the
 * model file is not changed; bad values and combinations are one-line usage errors.
 */
class WeightsCliTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path heldOut;
    static byte[] modelBytes;

    /** Sentences from a small random grammar: learnable, and held-out text from another seed is like it. */
    static String text(long seed, int sentences) {
        String[] who = {"the first citizen", "all the people", "caius marcius", "a good citizen", "the senate",
            "my lord", "the patricians"};
        String[] does = {"will speak to", "cannot hear", "would kill", "must know", "shall feed", "loves", "fears"};
        String[] what = {"the corn", "our own price", "the people", "him", "the city", "a verdict", "their enemy"};
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            sb.append(who[r.nextInt(who.length)]).append(' ').append(does[r.nextInt(does.length)]).append(' ')
                    .append(what[r.nextInt(what.length)]).append(" in ").append(1000 + r.nextInt(9000))
                    .append(r.nextInt(3) == 0 ? "?\n" : ".\n");
        }
        return sb.toString();
    }

    @BeforeAll
    static void train() throws Exception {
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), text(1, 1500));
        heldOut = Files.writeString(dir.resolve("held-out.txt"), text(2, 60));
        model = dir.resolve("m.recur");
        CliRunner.Result r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "char", "--hidden", "96",
                "--embedding", "16", "--bptt", "32", "--batch", "8", "--epochs", "2", "--optimizer", "adam", "--lr", "0.005", "--seed", "7",
                "--sample-length", "0", "--out", model.toString());
        assertEquals(0, r.code(), r.toString());
        modelBytes = Files.readAllBytes(model);
    }

    /** exp(mean loss) from the 4-decimal loss {@code recur eval} prints (its perplexity has only 2 decimals). */
    static double perplexity(String weights) {
        CliRunner.Result r = CliRunner.run("eval", "--model", model.toString(), "--corpus", heldOut.toString(),
                "--weights", weights);
        assertEquals(0, r.code(), r.toString());
        Matcher m = Pattern.compile("loss: ([0-9.]+) nats").matcher(r.out());
        assertTrue(m.find(), r.toString());
        if (!weights.equals("fp32")) {
            assertTrue(r.err().contains("weights: " + (weights.equals("int8") ? "int8 with one scale per output unit"
                    : "bf16") + ", rounded at load (the model file keeps fp32)"), r.toString());
        }
        return Math.exp(Double.parseDouble(m.group(1)));
    }

    @Test
    void perplexityOnHeldOutTextMovesByLessThanOnePercent() throws Exception {
        double fp32 = perplexity("fp32");
        double bf16 = perplexity("bf16");
        double int8 = perplexity("int8");
        assertTrue(fp32 < 2.5, "the model learned something: perplexity " + fp32 + " (seed 7)");
        String figures = "fp32 " + fp32 + ", bf16 " + bf16 + ", int8 " + int8 + " (seed 7)";
        System.out.println("held-out perplexity: " + figures);
        assertTrue(Math.abs(int8 / fp32 - 1) < 0.01, figures);
        assertTrue(Math.abs(bf16 / fp32 - 1) < 0.002, figures);
        assertArrayEquals(modelBytes, Files.readAllBytes(model), "the model file is unchanged");
    }

    @Test
    void samplingAndScoringUseTheRoundedWeights() {
        CliRunner.Result a = CliRunner.run("sample", "--model", model.toString(), "--weights", "int8", "--length", "80",
                "--seed", "3", "--prime", "the ");
        assertEquals(0, a.code(), a.toString());
        assertTrue(a.out().startsWith("the ") && a.out().length() > 60, a.toString());
        assertTrue(a.err().contains("weights: int8"), a.toString());
        CliRunner.Result b = CliRunner.run("sample", "--model", model.toString(), "--weights", "int8", "--length", "80",
                "--seed", "3", "--prime", "the ");
        assertEquals(a.out(), b.out(), "same seed, same text");
        CliRunner.Result s32 = CliRunner.run("score", "--model", model.toString(), heldOut.toString());
        CliRunner.Result s16 = CliRunner.run("score", "--model", model.toString(), heldOut.toString(), "--weights",
                "bf16");
        assertEquals(0, s16.code(), s16.toString());
        assertEquals(s32.out().lines().count(), s16.out().lines().count());
        assertNotEquals(s32.out(), s16.out(), "the scores are the rounded model's");
    }

    @Test
    void theBenchRunsGenerationWithRoundedWeights() {
        CliRunner.Result r = CliRunner.run("bench", "--workload", "G-C", "--weights", "int8", "--steps", "1",
                "--warmup-seconds", "0");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\"weights\":\"int8\""), r.toString());
        r = CliRunner.run("bench", "--workload", "W", "--weights", "int8");
        assertEquals(2, r.code(), r.toString());
        assertEquals("recur: --weights int8 applies to the generation workloads (G-W, G-C), not to W",
                r.err().strip(), r.toString());
    }

    @Test
    void badValuesAndCombinationsAreOneLineUsageErrors() {
        CliRunner.Result r = CliRunner.run("sample", "--model", model.toString(), "--weights", "int4");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains("--weights: unknown weight format 'int4' (choose fp32, bf16 or int8)"), r.toString());
        r = CliRunner.run("eval", "--model", model.toString(), "--corpus", heldOut.toString(), "--dynamic", "--weights",
                "int8");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--dynamic trains the weights while it scores; it does not combine with --weights "
                + "int8"), r.toString());
    }

    @Test
    void aRoundedModelIsNotSavedAndTheLoadedOneIsUntouched() throws Exception {
        var lm = dev.recur.io.ModelFiles.load(model, dev.recur.spi.Providers.load(), dev.recur.math.Kernels.get());
        lm.network().reduceWeights(dev.recur.math.WeightFormat.INT8);
        Path out = dir.resolve("rounded.recur");
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> dev.recur.io.ModelFiles.save(out, lm));
        assertEquals("this model's weights were rounded to int8 when it was loaded; model files keep fp32, save the "
                + "model it was loaded from", e.getMessage());
        assertTrue(!Files.exists(out), "no file written");
        var again = dev.recur.io.ModelFiles.load(model, dev.recur.spi.Providers.load(), dev.recur.math.Kernels.get());
        assertEquals(dev.recur.math.WeightFormat.FP32, again.network().weightFormat());
    }
}
