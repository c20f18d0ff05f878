package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.ModelFiles;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.SentenceScorer;
import dev.recur.spi.Providers;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recur score} (sentences and n-best rescoring) and {@code recur eval --dynamic}, through the CLI. */
class ScoreCliTest {

    @TempDir
    static Path dir;
    static Path corpus;
    static Path model;
    static LanguageModel lm;

    static final String TEXT = """
            the cat sat on the mat
            the dog sat on the log
            a cat and a dog met on the mat
            """.repeat(30);

    static final List<String> SENTENCES = List.of("the cat sat on the mat", "a dog sat on a zebra", "",
            "the the the the", "mat on sat cat the", "the dog and the cat met on the log and a cat sat on a mat "
                    .repeat(8).trim(), "cat");

    @BeforeAll
    static void train() throws Exception {
        corpus = Files.writeString(dir.resolve("corpus.txt"), TEXT);
        model = dir.resolve("m.recur");
        CliRunner.Result r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "16",
                "--embedding", "8", "--bptt", "8", "--batch", "4", "--epochs", "4", "--lr", "0.01", "--seed", "3",
                "--out", model.toString());
        assertEquals(0, r.code(), r.toString());
        lm = ModelFiles.load(model, Providers.load(), Kernels.get());
    }

    static Path write(String name, List<String> lines) throws Exception {
        return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
    }

    @Test
    void oneLinePerSentenceInOrderWithTheScorersFigures() throws Exception {
        Path in = write("s.txt", SENTENCES);
        CliRunner.Result r = CliRunner.run("score", "--model", model.toString(), in.toString(), "--batch", "3");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(SENTENCES.size(), lines.length, r.toString());
        List<SentenceScorer.Score> expected = new SentenceScorer(lm, 1).score(SENTENCES);
        for (int i = 0; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            SentenceScorer.Score s = expected.get(i);
            assertEquals(5, f.length, lines[i]);
            assertEquals(s.logProb(), Double.parseDouble(f[0]), 1e-4, lines[i]);
            assertEquals(s.log10Prob(), Double.parseDouble(f[1]), 1e-4, lines[i]);
            assertEquals(s.tokens(), Integer.parseInt(f[2]), lines[i]);
            assertEquals(s.oov(), Integer.parseInt(f[3]), lines[i]);
            assertEquals(s.perplexity(), Double.parseDouble(f[4]), 1e-3 * s.perplexity(), lines[i]);
            assertTrue(s.logProb() < 0);
        }
        assertEquals("1", lines[1].split("\t")[3], "zebra is out of the vocabulary");
        assertEquals("1", lines[2].split("\t")[2], "an empty line is its line end");
    }

    @Test
    void theBatchSizeDoesNotChangeAnyDigit() throws Exception {
        Path in = write("b.txt", SENTENCES);
        String one = CliRunner.run("score", "--model", model.toString(), in.toString(), "--batch", "1", "--per-token").out();
        String many = CliRunner.run("score", "--model", model.toString(), in.toString(), "--batch", "5", "--per-token").out();
        assertEquals(one, many);
        for (String line : one.split("\n")) {
            String[] f = line.split("\t");
            double sum = 0;
            String[] toks = f[5].split(" ");
            for (String t : toks) {
                sum += Double.parseDouble(t);
            }
            assertEquals(Integer.parseInt(f[2]), toks.length, line);
            assertEquals(Double.parseDouble(f[0]), sum, 1e-3, line);
        }
    }

    @Test
    void aByteOrderMarkAndCrlfLineEndsChangeNothing() throws Exception {
        Path plain = write("plain.txt", List.of("the cat sat", "a dog"));
        Path marked = Files.write(dir.resolve("bom.txt"), "\uFEFFthe cat sat\r\na dog\r\n".getBytes(StandardCharsets.UTF_8));
        String a = CliRunner.run("score", "--model", model.toString(), plain.toString()).out();
        String b = CliRunner.run("score", "--model", model.toString(), marked.toString()).out();
        assertEquals(a, b);
        assertTrue(a.split("\n")[0].split("\t")[3].equals("0"), "no OOV word: " + a);
    }

    @Test
    void jsonLinesCarryTheTokens() throws Exception {
        Path in = write("j.txt", List.of("the cat", "a zebra"));
        CliRunner.Result r = CliRunner.run("score", "--model", model.toString(), in.toString(), "--format", "jsonl",
                "--per-token");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("{\"line\":1,\"logprob\":-"), lines[0]);
        assertTrue(lines[0].contains("\"token_texts\":[\"the\",\"cat\",\"<eos>\"]"), lines[0]);
        assertTrue(lines[1].contains("\"oov\":1") && lines[1].contains("\"<unk>\""), lines[1]);
    }

    @Test
    void standardInputIsReadWithoutAFile() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("the cat sat\nthe dog\n".getBytes(StandardCharsets.UTF_8)));
            CliRunner.Result r = CliRunner.run("score", "--model", model.toString());
            assertEquals(0, r.code(), r.toString());
            assertEquals(2, r.out().split("\n").length, r.toString());
        } finally {
            System.setIn(saved);
        }
    }

    /** The model's ln P of each hypothesis, as {@code recur score} prints it. */
    static double lmScore(String words) {
        return new SentenceScorer(lm, 1).score(List.of(words)).get(0).logProb();
    }

    @Test
    void nbestPicksTheBestCombinedScorePerUtterance() throws Exception {
        List<String> nbest = List.of(
                "utt1-1 -10.0 the cat sat on the mat",
                "utt1-2 -9.5 mat the on sat cat the",
                "utt1-3 -12.0 the dog sat on the log",
                "spk2_utt7 -3.0 a cat",
                "spk2_utt7 -2.0 cat a",
                "utt3-1 -1.0");
        Path in = write("n.txt", nbest);
        for (double w : new double[] {0, 1, 50}) {
            Path ranked = dir.resolve("ranked-" + w + ".txt");
            CliRunner.Result r = CliRunner.run("score", "--model", model.toString(), in.toString(), "--nbest",
                    "--lm-weight", String.valueOf(w), "--ranked", ranked.toString());
            assertEquals(0, r.code(), r.toString());
            List<String> best = List.of(r.out().split("\n"));
            assertEquals(3, best.size(), r.toString());
            // the expected winners, computed here from the scores
            List<String> expected = new ArrayList<>();
            for (List<String> group : List.of(nbest.subList(0, 3), nbest.subList(3, 5), nbest.subList(5, 6))) {
                String bestLine = null;
                double bestTotal = Double.NEGATIVE_INFINITY;
                for (String line : group) {
                    String[] f = line.split(" ", 3);
                    String words = f.length > 2 ? f[2] : "";
                    double total = Double.parseDouble(f[1]) + w * lmScore(words);
                    if (total > bestTotal) {
                        bestTotal = total;
                        bestLine = f[0].replaceFirst("-\\d+$", "") + (words.isEmpty() ? "" : " " + words);
                    }
                }
                expected.add(bestLine);
            }
            assertEquals(expected, best, "lm-weight " + w);
            List<String> rankedLines = Files.readAllLines(ranked);
            assertEquals(nbest.size(), rankedLines.size());
            String[] first = rankedLines.get(0).split(" ", 5);
            double total = Double.parseDouble(first[1]);
            // the printed figures are rounded to 4 decimals: the weight multiplies the LM figure's rounding
            assertEquals(Double.parseDouble(first[2]) + w * Double.parseDouble(first[3]), total, 1e-4 * (2 + w));
        }
        assertEquals(List.of("utt1 mat the on sat cat the", "spk2_utt7 cat a", "utt3"),
                List.of(CliRunner.run("score", "--model", model.toString(), in.toString(), "--nbest", "--lm-weight", "0")
                        .out().split("\n")), "weight 0: the input scores alone decide");
    }

    @Test
    void kaldiCostsAreNegatedAndLog10IsAvailable() throws Exception {
        Path in = write("k.txt", List.of("u-1 5.0 the cat sat", "u-2 4.0 cat the sat"));
        CliRunner.Result r = CliRunner.run("score", "--model", model.toString(), in.toString(), "--nbest",
                "--score-is-cost", "--lm-weight", "0");
        assertEquals("u cat the sat", r.out().strip(), "the lower cost wins");
        Path ranked = dir.resolve("k-ranked.txt");
        r = CliRunner.run("score", "--model", model.toString(), in.toString(), "--nbest", "--log-base", "10",
                "--ranked", ranked.toString());
        assertEquals(0, r.code(), r.toString());
        Matcher m = Pattern.compile("u-1 \\S+ 5\\.0000 (\\S+) the cat sat").matcher(Files.readString(ranked));
        assertTrue(m.find(), Files.readString(ranked));
        assertEquals(lmScore("the cat sat") / Math.log(10), Double.parseDouble(m.group(1)), 1e-3);
    }

    @Test
    void badInputIsAOneLineErrorAndLeavesNoFile() throws Exception {
        Path in = write("bad.txt", List.of("u-1 -1.0 the cat", "u-2 minus-two the dog"));
        Path ranked = dir.resolve("bad-ranked.txt");
        CliRunner.Result r = CliRunner.run("score", "--model", model.toString(), in.toString(), "--nbest",
                "--ranked", ranked.toString());
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains(in + ":2: the score (second field) must be a finite number, got 'minus-two'"),
                r.toString());
        assertEquals(1, r.err().strip().split("\n").length, r.toString());
        assertFalse(Files.exists(ranked));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary left");
        }
        r = CliRunner.run("score", "--model", model.toString(), dir.resolve("missing.txt").toString());
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("missing.txt: no such file"), r.toString());
        r = CliRunner.run("score", "--model", model.toString(), in.toString(), "--format", "xml");
        assertEquals(2, r.code(), r.toString());
        r = CliRunner.run("score", "--model", model.toString(), in.toString(), "--ranked", ranked.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--ranked and --score-is-cost need --nbest"), r.toString());
    }

    @Test
    void dynamicEvaluationReportsBothAndAdaptsToTheText() throws Exception {
        Path text = Files.writeString(dir.resolve("repeat.txt"), "a dog and a cat met on the log\n".repeat(40));
        CliRunner.Result r = CliRunner.run("eval", "--model", model.toString(), "--corpus", text.toString(), "--dynamic",
                "--dynamic-lr", "1", "--bptt", "16");
        assertEquals(0, r.code(), r.toString());
        double stat = number(r.out(), "(?m)^perplexity: (\\S+)");
        double dyn = number(r.out(), "(?m)^  perplexity: (\\S+)");
        assertTrue(dyn < stat, r.toString());
        r = CliRunner.run("eval", "--model", model.toString(), "--corpus", text.toString(), "--dynamic",
                "--dynamic-lr", "0", "--bptt", "16");
        assertEquals(number(r.out(), "(?m)^perplexity: (\\S+)"), number(r.out(), "(?m)^  perplexity: (\\S+)"), 0.011,
                "rate 0: the dynamic figure is the static one\n" + r);
        r = CliRunner.run("eval", "--model", model.toString(), "--corpus", text.toString(), "--dynamic",
                "--dynamic-lr", "-1");
        assertEquals(2, r.code(), r.toString());
    }

    static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertTrue(m.find(), regex + " in\n" + out);
        return Double.parseDouble(m.group(1).replace(",", ""));
    }

    @Test
    void helpListsTheFormat() {
        CliRunner.Result r = CliRunner.run("score", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().toLowerCase(Locale.ROOT).contains("kaldi"), r.out());
    }
}
