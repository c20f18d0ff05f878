package dev.recur.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.Checkpoints;
import dev.recur.io.ModelFiles;
import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.Tensor;
import dev.recur.math.Kernels;
import dev.recur.spi.Providers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recur train} killed with SIGKILL at random moments — most of its time is spent writing a 1.5 MB
 * checkpoint after every step, so many kills land inside a write — and resumed: every time the checkpoint left
 * behind loads, and the resumed run ends with the same weights, bit for bit, as a run that was never killed;
 * the temporary files of the killed writers are gone once the resumed run has written.
 */
class CrashSafetyTest {

    static final long SEED = 47L;
    static final int KILLS = 20;
    static final int STEPS = 40;

    @TempDir
    Path dir;

    static String corpus() {
        SplittableRandom r = new SplittableRandom(SEED);
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < 400; line++) {
            for (int w = 0; w < 12; w++) {
                sb.append(w == 0 ? "" : " ").append("w").append(r.nextInt(600));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    Process train(Path work, String... extra) throws IOException {
        return train(work, STEPS, 1, extra);
    }

    Process train(Path work, int steps, int checkpointEvery, String... extra) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), "dev.recur.cli.Main", "train", "--corpus",
                dir.resolve("corpus.txt").toString(), "--level", "word", "--embedding", "64", "--hidden", "64",
                "--batch", "4", "--bptt", "8", "--max-steps", String.valueOf(steps), "--checkpoint-every", String.valueOf(checkpointEvery),
                "--seed", String.valueOf(SEED), "--threads", "1", "--sample-length", "0", "--optimizer", "adam",
                "--out", work.resolve("m.recur").toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("log.txt").toFile())
                .start();
    }

    static List<Tensor> tensors(Path model) {
        ModelFile m = ModelFiles.read(model);
        return m.getTensorsList();
    }

    @Test
    void killedRunsResumeToTheUninterruptedWeights() throws Exception {
        Files.writeString(dir.resolve("corpus.txt"), corpus());
        Path ref = Files.createDirectories(dir.resolve("ref"));
        Process p = train(ref);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(ref.resolve("log.txt")));
        List<Tensor> expected = tensors(ref.resolve("m.recur"));
        long ckptSize = Files.size(ref.resolve("m.recur.ckpt"));
        assertTrue(ckptSize > 1_000_000, "a checkpoint big enough to be killed while written: " + ckptSize);

        SplittableRandom r = new SplittableRandom(SEED);
        Providers providers = Providers.load();
        int withCheckpoint = 0;
        for (int k = 0; k < KILLS; k++) {
            Path work = Files.createDirectories(dir.resolve("run" + k));
            Process victim = train(work);
            Thread.sleep(400 + r.nextInt(2200)); // JVM start, then training and writing
            victim.destroyForcibly(); // SIGKILL
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
            Path ckpt = work.resolve("m.recur.ckpt");
            Process resumed;
            if (Files.exists(ckpt)) {
                withCheckpoint++;
                // the last checkpoint is whole: it loads
                Checkpoints.load(ckpt, providers, Kernels.get());
                resumed = train(work, "--resume", ckpt.toString());
            } else {
                resumed = train(work);
            }
            assertTrue(resumed.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, resumed.exitValue(), "kill " + k + ": " + Files.readString(work.resolve("log.txt")));
            assertEquals(expected, tensors(work.resolve("m.recur")), "kill " + k + ": the resumed weights, seed " + SEED);
            try (Stream<Path> files = Files.list(work)) {
                List<Path> left = files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
                assertTrue(left.isEmpty(), "kill " + k + ": temporaries left behind: " + left);
            }
        }
        assertTrue(withCheckpoint >= KILLS / 2, "most kills came after the first checkpoint: " + withCheckpoint);
    }

    @Test
    void sigtermStopsCleanlyWithACheckpointThatResumesExactly() throws Exception {
        Files.writeString(dir.resolve("corpus.txt"), corpus());
        Path work = Files.createDirectories(dir.resolve("term"));
        Process p = train(work, 1_000_000, 0, "--epochs", "1000");
        Thread.sleep(2500);
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String log = Files.readString(work.resolve("log.txt"));
        assertTrue(log.contains("stopped: stop requested"), log);
        Path ckpt = work.resolve("m.recur.ckpt");
        long step = Checkpoints.load(ckpt, Providers.load(), Kernels.get()).trainer().step();
        assertTrue(step > 0, log);
        ModelFiles.load(work.resolve("m.recur"), Providers.load(), Kernels.get());
        // resume to 5 more steps; a run from scratch to the same step must have the same weights
        Process resumed = train(work, (int) step + 5, 0, "--epochs", "1000", "--resume", ckpt.toString());
        assertTrue(resumed.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, resumed.exitValue(), Files.readString(work.resolve("log.txt")));
        Path ref = Files.createDirectories(dir.resolve("term-ref"));
        Process whole = train(ref, (int) step + 5, 0, "--epochs", "1000");
        assertTrue(whole.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, whole.exitValue(), Files.readString(ref.resolve("log.txt")));
        assertEquals(tensors(ref.resolve("m.recur")), tensors(work.resolve("m.recur")), "stopped at step " + step);
    }
}
