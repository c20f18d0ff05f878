package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.ModelFiles;
import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train N steps and checkpoint, resume for M more: the weights are bit-identical to an uninterrupted N+M run
 * with the same seed and thread count (Adam state, plateau schedule state, carried hidden state, data
 * position and validation cadence all restored).
 */
class ResumeTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "checkpoint after {0} steps, {1} in total, {2} x {3}, dropout {4}, tied {5}, k2 {6}, "
            + "{7} thread(s)")
    @CsvSource({"7,30,elman,1,0,false,0,1", "19,30,elman,1,0,false,0,1", "38,45,elman,1,0,false,0,1",
        "11,30,lstm,2,0.2,false,0,1", "19,30,gru,2,0.1,false,0,1", "15,30,elman,1,0,false,0,1", "10,30,gru,2,0.1,false,0,1",
        // tied weights, k2 > k1 (--bptt-history), two threads, a checkpoint at an eval step that is the stop step
        "13,30,elman,1,0,true,0,2", "12,30,lstm,2,0.2,false,16,2", "20,30,gru,1,0.1,true,12,2",
        "5,30,elman,2,0.3,true,20,1", "25,30,lstm,1,0,false,0,2"})
    void resumedRunIsBitIdenticalToAnUninterruptedOne(int n, int total, String cell, int layers, double dropout,
                                                      boolean tied, int history, int threads) throws Exception {
        Path corpus = Files.writeString(dir.resolve("c.txt"), CliEndToEndTest.TEXT);
        String[] common = {"train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "12", "--embedding", tied ? "12" : "6",
            "--bptt", "8", "--batch", "4", "--lr", "0.01", "--schedule", "plateau", "--schedule-option", "mode=on-stall",
            "--schedule-option", "min-improvement=1.05", "--eval-every", "5", "--seed", "3", "--sample-length", "0",
            "--cell", cell, "--layers", String.valueOf(layers), "--dropout", String.valueOf(dropout),
            "--bptt-history", String.valueOf(history), "--threads", String.valueOf(threads)};
        if (tied) {
            common = CliEndToEndTest.concat(common, "--tie-weights");
        }
        Path a = dir.resolve("a.recur");
        CliRunner.Result ra = CliRunner.run(CliEndToEndTest.concat(common, "--max-steps", String.valueOf(total),
                "--out", a.toString()));
        assertEquals(0, ra.code(), ra.toString());

        Path b = dir.resolve("b.recur");
        Path ckpt = dir.resolve("b.ckpt");
        CliRunner.Result rb = CliRunner.run(CliEndToEndTest.concat(common, "--max-steps", String.valueOf(n),
                "--checkpoint-every", String.valueOf(n), "--checkpoint", ckpt.toString(), "--out", b.toString()));
        assertEquals(0, rb.code(), rb.toString());
        assertTrue(Files.exists(ckpt), "checkpoint written");
        assertEquals(n, ModelFiles.read(ckpt).getCheckpoint().getStep());

        Path c = dir.resolve("c.recur");
        CliRunner.Result rc = CliRunner.run("train", "--resume", ckpt.toString(), "--corpus", corpus.toString(),
                "--max-steps", String.valueOf(total), "--out", c.toString(), "--sample-length", "0", "--threads",
                String.valueOf(3 - threads)); // and on the other thread count: results do not depend on it
        assertEquals(0, rc.code(), rc.toString());
        assertTrue(rc.err().contains("resuming at step " + n), rc.err());

        ModelFile ma = ModelFiles.read(a);
        ModelFile mc = ModelFiles.read(c);
        assertEquals(ma.getTensorsCount(), mc.getTensorsCount());
        for (int i = 0; i < ma.getTensorsCount(); i++) {
            Tensor x = ma.getTensors(i);
            Tensor y = mc.getTensors(i);
            assertEquals(x.getName(), y.getName());
            assertEquals(x.getData(), y.getData(), "tensor " + x.getName() + " differs after resuming at step " + n);
        }
        assertTrue(ra.out().contains("trained " + total + " steps"), ra.out());
    }
    /**
     * The same with every regulariser on (locked dropout, whole-word embedding dropout, weight drop, AR, TAR) and
     * NT-ASGD, whose averaging is triggered by the validations: checkpoints before and after the trigger, and
     * the uninterrupted run's model is the average (not the last iterate).
     */
    @ParameterizedTest(name = "checkpoint after {0} steps, {1}, validation every {3}, averaging started by then: {2}")
    @CsvSource({"6,lstm,false,3", "33,lstm,true,3", "14,elman,false,2", "52,elman,true,2", "41,gru,true,3"})
    void resumedRegularisedNtAsgdRunIsBitIdentical(int n, String cell, boolean averagingAtCut, int evalEvery)
            throws Exception {
        int total = 60;
        Path corpus = Files.writeString(dir.resolve("c.txt"), CliEndToEndTest.TEXT);
        String[] common = {"train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "12",
            "--embedding", "12", "--tie-weights", "--layers", "2", "--bptt", "8", "--batch", "4", "--cell", cell,
            "--dropout", "0.2", "--dropout-output", "0.3", "--locked-dropout", "--dropout-embedding", "0.1",
            "--weight-drop", "0.3", "--ar", "1", "--tar", "0.5", "--optimizer", "nt-asgd", "--optimizer-option",
            "nonmono=1", "--lr", "2", "--clip", "0.25", "--eval-every", String.valueOf(evalEvery), "--seed", "5",
            "--sample-length", "0"};
        Path a = dir.resolve("a.recur");
        CliRunner.Result ra = CliRunner.run(CliEndToEndTest.concat(common, "--max-steps", String.valueOf(total),
                "--out", a.toString(), "--checkpoint-every", String.valueOf(total), "--checkpoint",
                dir.resolve("a.ckpt").toString()));
        assertEquals(0, ra.code(), ra.toString());
        assertTrue(ra.out().contains("locked dropout") || ra.err().contains("locked dropout"), ra.toString());
        double t0 = ModelFiles.read(dir.resolve("a.ckpt")).getCheckpoint().getOptimizerScalarsOrThrow("t0");
        assertTrue(t0 > 0 && t0 < total, "the validations started the averaging: t0 = " + t0);

        Path b = dir.resolve("b.recur");
        Path ckpt = dir.resolve("b.ckpt");
        CliRunner.Result rb = CliRunner.run(CliEndToEndTest.concat(common, "--max-steps", String.valueOf(n),
                "--checkpoint-every", String.valueOf(n), "--checkpoint", ckpt.toString(), "--out", b.toString()));
        assertEquals(0, rb.code(), rb.toString());
        double cutT0 = ModelFiles.read(ckpt).getCheckpoint().getOptimizerScalarsOrThrow("t0");
        assertEquals(averagingAtCut, cutT0 >= 0, "t0 at the checkpoint: " + cutT0 + " (uninterrupted: " + t0 + ")");

        Path c = dir.resolve("c.recur");
        CliRunner.Result rc = CliRunner.run("train", "--resume", ckpt.toString(), "--corpus", corpus.toString(),
                "--max-steps", String.valueOf(total), "--out", c.toString(), "--sample-length", "0");
        assertEquals(0, rc.code(), rc.toString());
        ModelFile ma = ModelFiles.read(a);
        ModelFile mc = ModelFiles.read(c);
        ModelFile last = ModelFiles.read(dir.resolve("a.ckpt")); // the raw iterate at the last step
        boolean differsFromIterate = false;
        for (int i = 0; i < ma.getTensorsCount(); i++) {
            Tensor x = ma.getTensors(i);
            assertEquals(x.getData(), mc.getTensors(i).getData(), "tensor " + x.getName() + " differs after resuming at "
                    + n);
            differsFromIterate |= !x.getData().equals(last.getTensors(i).getData());
        }
        assertTrue(differsFromIterate, "the saved model is the average of the iterates, not the last one");
    }
}
