package dev.recur.bench;

import dev.recur.io.ModelFiles;
import dev.recur.math.ComputeContext;
import dev.recur.math.Kernels;
import dev.recur.model.Evaluator;
import dev.recur.model.LanguageModel;
import dev.recur.model.SentenceScorer;
import dev.recur.spi.Providers;
import dev.recur.text.TextFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Tokens per second of sentence scoring ({@code recur score}: one line per row, zero state per line) against
 * the evaluation forward ({@code recur eval}: 10 streams, windows of 64) on the same model, text and threads;
 * alternating rounds, medians.
 *
 * <p>usage: ScoreThroughput --model M --text FILE [--threads 2] [--rounds 5] [--batch 32]
 */
public final class ScoreThroughput {

    public static void main(String[] argv) {
        Args a = new Args(argv);
        int threads = a.integer("threads", 2);
        int rounds = a.integer("rounds", 5);
        int batch = a.integer("batch", 32);
        try (ComputeContext ctx = ComputeContext.open(Kernels.get(), threads)) {
            LanguageModel lm = ModelFiles.load(Path.of(a.get("model", "model.recur")), Providers.load(), ctx.kernels());
            String text = TextFiles.readUtf8(Path.of(a.get("text", "test.txt")));
            List<String> lines = text.lines().toList();
            int[] ids = lm.tokenizer().encode(text, lm.vocabulary());
            SentenceScorer scorer = new SentenceScorer(lm, batch);
            double[] eval = new double[rounds];
            double[] score = new double[rounds];
            long scoredTokens = 0;
            for (int r = -1; r < rounds; r++) { // round -1 warms up
                long t0 = System.nanoTime();
                var e = Evaluator.evaluate(lm.network(), ids, 10, 64, "text");
                double te = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                List<SentenceScorer.Score> s = scorer.score(lines);
                double ts = (System.nanoTime() - t0) / 1e9;
                scoredTokens = s.stream().mapToLong(SentenceScorer.Score::tokens).sum();
                if (r >= 0) {
                    eval[r] = e.tokens() / te;
                    score[r] = scoredTokens / ts;
                    System.out.printf(Locale.ROOT, "round %d: eval %,.0f tokens/s, score %,.0f tokens/s (%.3f)%n", r,
                            eval[r], score[r], score[r] / eval[r]);
                }
            }
            double me = median(eval);
            double ms = median(score);
            System.out.printf(Locale.ROOT, "%s, %d lines, %,d tokens scored, %d threads, kernels %s%n"
                            + "median: eval %,.0f tokens/s, score %,.0f tokens/s, ratio %.3f%n", a.get("model", ""),
                    lines.size(), scoredTokens, threads, ctx.kernels().name(), me, ms, ms / me);
        }
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
