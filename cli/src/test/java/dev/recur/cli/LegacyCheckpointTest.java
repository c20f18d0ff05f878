package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.ModelFiles;
import dev.recur.io.proto.ModelFile;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written before the trainer settings were typed (commit dcf7acf: a string map, the learning
 * rate among the optimizer's options; GRU, 2 layers, dropout, plateau schedule, step 7 of 20) still resumes,
 * and bit for bit as that version resumed it: {@code v1-legacy-gru.final.recur} is what the old version
 * saved after resuming the same checkpoint to step 20.
 *
 * <p>Made with the old build: {@code recur train --corpus corpus.txt --level word --cell gru --layers 2
 * --dropout 0.1 --hidden 12 --embedding 6 --bptt 8 --batch 4 --lr 0.01 --schedule plateau --schedule-option
 * mode=on-stall --schedule-option min-improvement=1.05 --eval-every 5 --seed 3 --max-steps 7
 * --checkpoint-every 7 --checkpoint v1-legacy-gru.ckpt}, then {@code recur train --resume v1-legacy-gru.ckpt
 * --corpus corpus.txt --max-steps 20 --out v1-legacy-gru.final.recur}, with corpus.txt =
 * {@link CliEndToEndTest#TEXT}.
 */
class LegacyCheckpointTest {

    @TempDir
    Path dir;

    private Path resource(String name) throws Exception {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void aCheckpointOfTheStringMapFormatResumesBitForBitAsItsOwnVersionDid() throws Exception {
        Path ckpt = resource("v1-legacy-gru.ckpt");
        Path expected = resource("v1-legacy-gru.final.recur");
        ModelFile old = ModelFiles.read(ckpt);
        assertFalse(old.getCheckpoint().getTyped(), "the fixture must be of the string-map format");
        assertTrue(old.getCheckpoint().getOptimizer().getOptionsMap().containsKey("lr"));
        Path corpus = Files.writeString(dir.resolve("corpus.txt"), CliEndToEndTest.TEXT);
        Path out = dir.resolve("resumed.recur");
        CliRunner.Result r = CliRunner.run("train", "--resume", ckpt.toString(), "--corpus", corpus.toString(),
                "--max-steps", "20", "--out", out.toString(), "--sample-length", "0");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("resuming at step 7"), r.err());
        assertTrue(r.err().contains("lr 0.01"), "the base rate comes from the old optimizer options: " + r.err());
        ModelFile want = ModelFiles.read(expected);
        ModelFile got = ModelFiles.read(out);
        assertEquals(want.getTensorsCount(), got.getTensorsCount());
        for (int i = 0; i < want.getTensorsCount(); i++) {
            assertEquals(want.getTensors(i).getName(), got.getTensors(i).getName());
            assertEquals(want.getTensors(i).getData(), got.getTensors(i).getData(),
                    "tensor " + want.getTensors(i).getName() + " differs from the old version's resumed run");
        }
        CliRunner.Result inspect = CliRunner.run("inspect", ckpt.toString());
        assertEquals(0, inspect.code(), inspect.toString());
        assertTrue(inspect.out().contains("trainer {"), "the old settings are shown as they are stored: " + inspect.out());
    }
}
