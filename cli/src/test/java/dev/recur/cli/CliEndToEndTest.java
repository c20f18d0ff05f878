package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.ModelFiles;
import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train → eval → sample → inspect through the CLI factory, on a tiny corpus. */
class CliEndToEndTest {

    @TempDir
    static Path dir;
    static Path corpus;
    static Path model;

    static final String TEXT = """
            the cat sat on the mat
            the dog sat on the log
            a cat and a dog met on the mat
            """.repeat(30);

    @BeforeAll
    static void train() throws Exception {
        corpus = Files.writeString(dir.resolve("corpus.txt"), TEXT);
        model = dir.resolve("m.recur");
        CliRunner.Result r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "16",
                "--embedding", "8", "--bptt", "8", "--batch", "4", "--epochs", "3", "--lr", "0.01",
                "--out", model.toString(), "--metrics", dir.resolve("run.jsonl").toString(), "--sample-length", "10");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("validation: loss"), r.toString());
        assertTrue(r.out().contains("saved " + model), r.toString());
        assertTrue(Files.exists(model));
    }

    @Test
    void metricsAreJsonLines() throws Exception {
        var lines = Files.readAllLines(dir.resolve("run.jsonl"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"event\":\"step\"") && l.contains("\"grad_norm\":")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"event\":\"validation\"")), lines.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("{\"event\":\"end\""), lines.toString());
    }

    @Test
    void epochsOrStepsLiftTheDemosTimeBudget() {
        CliRunner.Result r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "8",
                "--embedding", "4", "--batch", "4", "--bptt", "8", "--epochs", "1", "--out", dir.resolve("e.recur").toString(),
                "--sample-length", "0");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("epochs 1, max time none"), r.err());
        r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "8", "--embedding", "4",
                "--batch", "4", "--bptt", "8", "--max-steps", "2", "--out", dir.resolve("s.recur").toString(),
                "--sample-length", "0");
        assertTrue(r.err().contains("max time none, max steps 2"), r.err());
        r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "8", "--embedding", "4",
                "--batch", "4", "--bptt", "8", "--max-steps", "2", "--max-time", "90s", "--out",
                dir.resolve("t.recur").toString(), "--sample-length", "0");
        assertTrue(r.err().contains("max time 1m30s, max steps 2"), r.err());
    }

    @Test
    void evalPrintsPerplexity() {
        CliRunner.Result r = CliRunner.run("eval", "--model", model.toString(), "--corpus", corpus.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("perplexity: "), r.toString());
        assertFalse(r.out().contains("bits per character"), "word level has no bits/char line");
    }

    @Test
    void sampleIsReproducibleFromItsSeed() {
        String[] base = {"sample", "--model", model.toString(), "--prime", "the cat", "--length", "40"};
        CliRunner.Result a = CliRunner.run(concat(base, "--seed", "7"));
        CliRunner.Result b = CliRunner.run(concat(base, "--seed", "7"));
        CliRunner.Result c = CliRunner.run(concat(base, "--seed", "8"));
        assertEquals(0, a.code(), a.toString());
        assertTrue(a.out().startsWith("the cat"), a.out());
        assertEquals(a.out(), b.out(), "same seed, same text");
        assertNotEquals(a.out(), c.out(), "another seed, other text");
        CliRunner.Result k = CliRunner.run(concat(base, "--top-k", "3", "--temperature", "0.7"));
        assertEquals(0, k.code(), k.toString());
        CliRunner.Result g = CliRunner.run(concat(base, "--sampler", "greedy"));
        assertEquals(0, g.code(), g.toString());
        CliRunner.Result bad = CliRunner.run(concat(base, "--sampler", "greedy", "--temperature", "0.5"));
        assertEquals(ExitCode.USAGE.code(), bad.code(), bad.toString());
        assertTrue(bad.err().startsWith("recur: unknown option 'temperature' for sampler 'greedy'"), bad.err());
    }

    @Test
    void inspectShowsTheFileWithoutLoadingIt() {
        CliRunner.Result r = CliRunner.run("inspect", model.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("cell elman"), r.out());
        assertTrue(r.out().contains("tokenizer: word level"), r.out());
        assertTrue(r.out().contains("W_h"), r.out());
    }

    @Test
    void listAndInfo() {
        CliRunner.Result r = CliRunner.run("list", "--verbose");
        assertEquals(0, r.code(), r.toString());
        for (String name : new String[] {"elman", "sgd", "adam", "global-norm", "none", "greedy", "top-p", "plateau"}) {
            assertTrue(r.out().contains(name), name + " in " + r.out());
        }
        assertTrue(r.out().contains("max-norm=5.0"), r.out());
        CliRunner.Result i = CliRunner.run("info");
        assertEquals(0, i.code(), i.toString());
        assertTrue(i.out().contains("kernels: vector"), i.out());
        assertEquals(ExitCode.USAGE.code(), CliRunner.run("list", "gadgets").code());
    }

    @Test
    void aProviderOnlyOnTheTestClasspathIsListedAndSelectable() {
        CliRunner.Result l = CliRunner.run("list", "optimizers");
        assertTrue(l.out().contains("test-sign-sgd"), l.out());
        CliRunner.Result r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "8",
                "--embedding", "4", "--bptt", "8", "--batch", "4", "--epochs", "1", "--optimizer", "test-sign-sgd",
                "--out", dir.resolve("sign.recur").toString(), "--sample-length", "0");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("test-sign-sgd"), r.err());
    }

    @Test
    void unknownPluginsAndBadOptionsAreOneLineErrors() {
        CliRunner.Result r = CliRunner.run("train", "--corpus", corpus.toString(), "--optimizer", "nadam");
        assertEquals(ExitCode.MISSING_PLUGIN.code(), r.code(), r.toString());
        assertEquals("recur: unknown optimizer 'nadam'; available: adagrad, adam, adamw, nt-asgd, rmsprop, sgd, test-sign-sgd (add the jar that provides it "
                + "to the classpath)\n", r.err());
        CliRunner.Result o = CliRunner.run("train", "--corpus", corpus.toString(), "--cell-option", "activaton=relu");
        assertEquals(ExitCode.USAGE.code(), o.code(), o.toString());
        assertEquals("recur: unknown option 'activaton' for cell 'elman'; known options: activation, init, init-scale\n", o.err());
        CliRunner.Result t = CliRunner.run("train", "--max-time", "soon");
        assertEquals(ExitCode.USAGE.code(), t.code(), t.toString());
        CliRunner.Result missing = CliRunner.run("train", "--corpus", dir.resolve("nope.txt").toString());
        assertEquals(ExitCode.BAD_DATA.code(), missing.code(), missing.toString());
        assertEquals("recur: " + dir.resolve("nope.txt") + ": no such file\n", missing.err());
        CliRunner.Result lr = CliRunner.run("train", "--corpus", corpus.toString(), "--optimizer-option", "lr=0.1");
        assertEquals(ExitCode.USAGE.code(), lr.code(), lr.toString());
        assertTrue(lr.err().contains("use --lr"), lr.err());
        CliRunner.Result output = CliRunner.run("train", "--corpus", corpus.toString(), "--output", "hierarchical");
        assertEquals(ExitCode.MISSING_PLUGIN.code(), output.code(), output.toString());
        assertTrue(output.err().startsWith("recur: unknown output 'hierarchical'; available: adaptive, class, softmax"),
                output.err());
    }

    @Test
    void anEmptyCorpusIsAClearErrorAtBothLevels() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        for (String level : new String[] {"char", "word"}) {
            CliRunner.Result r = CliRunner.run("train", "--corpus", empty.toString(), "--level", level, "--out",
                    dir.resolve("never.recur").toString());
            assertEquals(ExitCode.BAD_DATA.code(), r.code(), level + ": " + r);
            assertEquals("recur: " + empty + ": is empty; a corpus needs text to train or evaluate on\n", r.err(), level);
        }
        Path blank = Files.writeString(dir.resolve("blank.txt"), "  \n\t\n\n");
        CliRunner.Result r = CliRunner.run("train", "--corpus", blank.toString(), "--level", "word", "--out",
                dir.resolve("never.recur").toString());
        assertEquals(ExitCode.BAD_DATA.code(), r.code(), r.toString());
        assertEquals("recur: " + blank + ": has only white space; a word-level corpus needs words\n", r.err());
        assertFalse(Files.exists(dir.resolve("never.recur")));
        CliRunner.Result eval = CliRunner.run("eval", "--model", model.toString(), "--corpus", empty.toString());
        assertEquals(ExitCode.BAD_DATA.code(), eval.code(), eval.toString());
    }

    @Test
    void everyOutputLayerTrainsEvaluatesSamplesDiagnosesAndIsInspected() throws Exception {
        String[][] layers = {{"softmax"}, {"adaptive", "cutoffs=4,8"}, {"class", "classes=3"}};
        for (String[] layer : layers) {
            Path m = dir.resolve(layer[0] + ".recur");
            String[] args = {"train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "8", "--embedding", "8",
                "--bptt", "8", "--batch", "4", "--max-steps", "3", "--output", layer[0], "--out", m.toString(),
                "--sample-length", "5"};
            if (layer.length > 1) {
                args = concat(args, "--output-option", layer[1]);
            }
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(0, r.code(), layer[0] + ": " + r);
            assertTrue(r.err().contains("output " + layer[0]), r.err());
            ModelFile f = ModelFiles.read(m);
            assertEquals(layer[0], f.getSpec().getOutputLayer());
            assertEquals(f.getTokenizer().getTokensCount(), f.getTokenizer().getCountsCount(), "counts stored");
            CliRunner.Result e = CliRunner.run("eval", "--model", m.toString(), "--corpus", corpus.toString());
            assertEquals(0, e.code(), layer[0] + ": " + e);
            CliRunner.Result s1 = CliRunner.run("sample", "--model", m.toString(), "--length", "12", "--seed", "4");
            CliRunner.Result s2 = CliRunner.run("sample", "--model", m.toString(), "--length", "12", "--seed", "4",
                    "--threads", "1");
            assertEquals(0, s1.code(), layer[0] + ": " + s1);
            assertEquals(s1.out(), s2.out(), layer[0] + ": the same text for the same seed and any thread count");
            CliRunner.Result beam = CliRunner.run("sample", "--model", m.toString(), "--length", "4", "--sampler", "beam");
            assertEquals(0, beam.code(), layer[0] + ": " + beam);
            CliRunner.Result i = CliRunner.run("inspect", m.toString());
            assertEquals(0, i.code(), layer[0] + ": " + i);
            CliRunner.Result d = CliRunner.run("diagnose", "--model", m.toString(), "--corpus", corpus.toString(),
                    "--max-distance", "5", "--positions", "2");
            assertEquals(0, d.code(), layer[0] + ": " + d);
            assertTrue(d.out().contains("untruncated backpropagation"), layer[0] + ": " + d.out());
            if (!layer[0].equals("softmax")) {
                assertTrue(i.out().contains("output groups: 3"), layer[0] + ": " + i.out());
                assertTrue(i.out().contains("% of training tokens"), i.out());
            }
        }
        CliRunner.Result tied = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "8",
                "--embedding", "8", "--max-steps", "2", "--output", "adaptive", "--tie-weights", "--out",
                dir.resolve("never.recur").toString());
        assertEquals(ExitCode.USAGE.code(), tied.code(), tied.toString());
        assertTrue(tied.err().contains("cannot tie weights"), tied.err());
        CliRunner.Result classTied = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--hidden",
                "8", "--embedding", "8", "--bptt", "8", "--batch", "4", "--max-steps", "2", "--output", "class",
                "--tie-weights", "--out",
                dir.resolve("class-tied.recur").toString(), "--sample-length", "0");
        assertEquals(0, classTied.code(), classTied.toString());
        assertTrue(ModelFiles.read(dir.resolve("class-tied.recur")).getTensorsList().stream()
                .noneMatch(t -> t.getName().equals("word.U")), "tied: the class layer uses E");
        CliRunner.Result list = CliRunner.run("list", "outputs", "--verbose");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().startsWith("outputs:\n  adaptive"), list.out());
        CliRunner.Result bad = CliRunner.run("train", "--corpus", corpus.toString(), "--output-option", "bias=false");
        assertEquals(ExitCode.USAGE.code(), bad.code(), bad.toString());
        assertEquals("recur: unknown option 'bias' for output 'softmax'; known options: (none)\n", bad.err());
        CliRunner.Result cut = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--output",
                "adaptive", "--output-option", "cutoffs=5,3");
        assertEquals(ExitCode.USAGE.code(), cut.code(), cut.toString());
        assertTrue(cut.err().contains("option 'cutoffs' of output 'adaptive' must be"), cut.err());
    }

    @Test
    void theFileWrittenByTrainLoadsBackWithTheSameWeights() {
        ModelFile m = ModelFiles.read(model);
        Tensor wh = m.getTensorsList().stream().filter(t -> t.getName().equals("W_h")).findFirst().orElseThrow();
        assertArrayEquals(new Object[] {16, 16}, wh.getShapeList().toArray());
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void everyCommandHasHelpWithDefaults() {
        for (String c : new String[] {"train", "eval", "sample", "inspect", "list", "info"}) {
            CliRunner.Result r = CliRunner.run(c, "--help");
            assertEquals(0, r.code(), c + ": " + r);
            assertTrue(r.out().startsWith("Usage: recur " + c), r.out());
        }
        assertTrue(CliRunner.run("train", "--help").out().contains("Default: 20"), "defaults are shown");
        String help = CliRunner.run("train", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("none when --epochs or --max-steps is given, else 3m"), "the time budget's rule: " + help);
    }

    @Test
    void stackTracesOnlyWithTheFlag() {
        Path none = dir.resolve("absent.recur");
        CliRunner.Result quiet = CliRunner.run("inspect", none.toString());
        assertEquals(ExitCode.BAD_MODEL_FILE.code(), quiet.code());
        assertEquals(1, quiet.err().lines().count(), quiet.err());
        CliRunner.Result loud = CliRunner.run("inspect", "-x", none.toString());
        assertEquals(ExitCode.BAD_MODEL_FILE.code(), loud.code());
        assertTrue(loud.err().contains("\tat dev.recur."), loud.err());
    }

    @Test
    void trainsWithTwoThreads() {
        CliRunner.Result r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "char", "--hidden", "64",
                "--embedding", "8", "--bptt", "16", "--batch", "8", "--epochs", "1", "--threads", "2",
                "--out", dir.resolve("t2.recur").toString(), "--sample-length", "0");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("x 2 threads"), r.err());
        assertEquals(ExitCode.USAGE.code(), CliRunner.run("train", "--threads", "0").code());
    }

    @Test
    void sampleAndEvalGiveTheSameResultsOnTwoThreads() {
        // hidden 384: the batch-1 W_h product (2·384² flops) is above the parallel threshold, so it is split
        Path big = dir.resolve("h384.recur");
        CliRunner.Result t = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "char", "--hidden", "384",
                "--embedding", "16", "--bptt", "16", "--batch", "8", "--epochs", "1", "--out", big.toString(),
                "--sample-length", "0", "--seed", "3");
        assertEquals(0, t.code(), t.toString());
        String[] sample = {"sample", "--model", big.toString(), "--prime", "the ", "--length", "120", "--seed", "11"};
        CliRunner.Result s1 = CliRunner.run(concat(sample, "--threads", "1"));
        CliRunner.Result s2 = CliRunner.run(concat(sample, "--threads", "2"));
        assertEquals(0, s2.code(), s2.toString());
        assertEquals(s1.out(), s2.out(), "the same text on 1 and 2 threads (seed 11)");
        String[] eval = {"eval", "--model", big.toString(), "--corpus", corpus.toString(), "--batch", "4"};
        CliRunner.Result e1 = CliRunner.run(concat(eval, "--threads", "1"));
        CliRunner.Result e2 = CliRunner.run(concat(eval, "--threads", "2"));
        assertEquals(0, e2.code(), e2.toString());
        assertEquals(e1.out(), e2.out(), "the same perplexity on 1 and 2 threads");
        assertEquals(ExitCode.USAGE.code(), CliRunner.run(concat(sample, "--threads", "0")).code());
        assertEquals(ExitCode.USAGE.code(), CliRunner.run(concat(eval, "--threads", "300")).code());
    }

    @Test
    void beamSearchFromTheCli() {
        String[] base = {"sample", "--model", model.toString(), "--prime", "the", "--length", "6", "--sampler", "beam"};
        CliRunner.Result a = CliRunner.run(concat(base, "--seed", "1", "--sampler-option", "width=4"));
        CliRunner.Result b = CliRunner.run(concat(base, "--seed", "2", "--sampler-option", "width=4"));
        assertEquals(0, a.code(), a.toString());
        assertTrue(a.out().startsWith("the "), a.out());
        assertEquals(a.out(), b.out(), "beam search is deterministic: the seed does not matter");
        CliRunner.Result bad = CliRunner.run(concat(base, "--sampler-option", "beams=4"));
        assertEquals(ExitCode.USAGE.code(), bad.code(), bad.toString());
        assertEquals("recur: unknown option 'beams' for sampler 'beam'; known options: width, length-penalty\n", bad.err());
        assertTrue(CliRunner.run("list", "samplers").out().contains("beam"));
    }
}
