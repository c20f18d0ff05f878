package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.cli.commands.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recur train --preset NAME}: the preset's options, overridden by the user's; listed in full. */
class PresetTest {

    @TempDir
    Path dir;

    @Test
    void aPresetSetsItsOptionsAndTheUsersOverrideThem() throws Exception {
        Path corpus = Files.writeString(dir.resolve("c.txt"), CliEndToEndTest.TEXT);
        Path out = dir.resolve("m.recur");
        CliRunner.Result r = CliRunner.run("train", "--preset", "ptb-120s", "--corpus", corpus.toString(), "--hidden", "24",
                "--embedding", "24", "--output-option", "cutoffs=4", "--batch", "4", "--bptt", "8", "--max-steps", "3", "--out", out.toString(), "--sample-length", "0");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("preset ptb-120s"), r.err());
        assertTrue(r.err().contains("E=24, H=24"), "the user's sizes win: " + r.err());
        assertTrue(r.err().contains("output adaptive {cutoffs=4"), "the preset's output layer, the user's cut-off: "
                + r.err());
        assertTrue(r.err().contains("schedule cosine") && r.err().contains("lr 0.003"), r.err());
        assertTrue(r.out().contains("trained 3 steps"), r.out());
    }

    @Test
    void expansionPutsThePresetFirstAndLeavesOtherCommandsAlone() {
        String[] a = Presets.expand(new String[] {"train", "--lr", "0.01", "--preset", "ptb-120s"});
        assertEquals("train", a[0]);
        int presetLr = java.util.Arrays.asList(a).indexOf("0.003");
        int userLr = java.util.Arrays.asList(a).lastIndexOf("0.01");
        assertTrue(presetLr > 0 && userLr > presetLr, "the user's --lr comes later and wins: " + String.join(" ", a));
        String[] eval = {"eval", "--preset", "x"};
        assertArrayEquals(eval, Presets.expand(eval));
    }

    @Test
    void anUnknownPresetIsAUsageErrorNamingTheKnownOnes() {
        CliRunner.Result r = CliRunner.run("train", "--preset", "nope");
        assertEquals(2, r.code(), r.toString());
        assertEquals("recur: unknown preset 'nope'; presets: char-20m, ptb-120s, ptb-lstm-2h (recur list presets)", r.err().strip());
    }

    @Test
    void listPresetsShowsEveryOption() {
        CliRunner.Result r = CliRunner.run("list", "presets");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("ptb-120s") && r.out().contains("--schedule-option total-steps=2700")
                && r.out().contains("measured: PTB test perplexity 134.93"), r.out());
    }
    @Test
    void everyPresetIsACommandLineThatTrains() throws Exception {
        Path corpus = Files.writeString(dir.resolve("c.txt"), CliEndToEndTest.TEXT);
        for (Presets.Preset p : Presets.ALL.values()) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--preset", p.name(),
                    "--corpus", corpus.toString(), "--hidden", "16", "--embedding", "16", "--batch", "2", "--bptt", "4",
                    "--max-steps", "3", "--sample-length", "0", "--out", dir.resolve(p.name() + ".recur").toString()));
            if (p.options().contains("adaptive")) {
                args.addAll(java.util.List.of("--output-option", "cutoffs=4"));
            }
            CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), p.name() + ": " + r);
            assertTrue(r.err().contains("preset " + p.name()) && r.out().contains("trained 3 steps"), p.name() + ": " + r);
        }
    }

    @Test
    void aPresetRunSplitInTwoResumesWithTheSameCommandAndSaysWhatItDoesNotApply() throws Exception {
        // the 2-hour preset is meant to be split: the same command with --max-steps, then with --resume
        Path corpus = Files.writeString(dir.resolve("c.txt"), CliEndToEndTest.TEXT.replace('\n', ' '));
        Path out = dir.resolve("m.recur");
        String[] common = {"train", "--preset", "ptb-lstm-2h", "--corpus", corpus.toString(), "--hidden", "16",
                "--embedding", "16", "--batch", "2", "--bptt", "4", "--checkpoint-every", "2", "--sample-length", "0",
                "--out", out.toString()};
        CliRunner.Result first = CliRunner.run(CliEndToEndTest.concat(common, "--max-steps", "2"));
        assertEquals(0, first.code(), first.toString());
        Path ckpt = dir.resolve("m.recur.ckpt");
        assertTrue(Files.exists(ckpt), first.toString());
        CliRunner.Result second = CliRunner.run(CliEndToEndTest.concat(common, "--resume", ckpt.toString(), "--max-steps", "4",
                "--lr", "5"));
        assertEquals(0, second.code(), second.toString());
        assertTrue(second.err().contains("resuming at step 2"), second.err());
        assertTrue(second.err().contains("not applied: ") && second.err().contains("--hidden")
                && second.err().contains("--lr") && second.err().contains("(with the preset's)"), second.err());
        assertTrue(!second.err().contains("not applied: --preset") && !second.err().contains(" --max-steps")
                && !second.err().contains(" --corpus"), "files and limits are applied: " + second.err());
        assertTrue(second.err().contains("lr 0.002"), "the checkpoint's rate, not --lr 5: " + second.err());
    }
}
