package dev.recur.bench;

import dev.recur.math.ComputeContext;
import dev.recur.math.Kernels;
import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.ModelSpec;
import dev.recur.spi.ProviderChoice;
import dev.recur.spi.Providers;
import dev.recur.text.CharTokenizer;
import dev.recur.text.TextFiles;
import dev.recur.text.Tokenizer;
import dev.recur.text.Vocabulary;
import dev.recur.text.WordTokenizer;
import dev.recur.train.RunSpec;
import dev.recur.train.StepReport;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainingListener;
import dev.recur.train.TrainingResult;
import dev.recur.train.TrainingRun;
import dev.recur.train.ValidationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Quality under a training-time budget on a real corpus, printed as JSON lines (progress, validations, the
 * final validation/test figures).
 *
 * <p>usage: QualityRun --corpus ts|ptb|wt2 --data DIR [--minutes 20] [--optimizer adam] [--lr 0.002] [--clip 5]
 * [--schedule constant|plateau] [--plateau-mode on-stall] [--decay 4] [--eval-every 500] [--seed 1]
 * [--output softmax|adaptive|class] [--output-options cutoffs=2000;10000,divisor=4]
 *
 * <p>{@code wt2} is WikiText-2 ({@code wikitext-2/wiki.{train,valid,test}.tokens}), read like PTB. Output
 * options are {@code key=value} pairs separated by commas; a value's own commas are written as {@code ;}.
 */
public final class QualityRun {

    public static void main(String[] argv) {
        Args a = new Args(argv);
        try (ComputeContext ctx = ComputeContext.open(Kernels.get(), a.integer("threads", 1))) {
            run(a, ctx);
        }
    }

    private static void run(Args a, ComputeContext ctx) {
        String corpus = a.get("corpus", "ts");
        Path data = Path.of(a.get("data", "../shared/data"));
        boolean chars = corpus.equals("ts");
        Tokenizer tok = chars ? new CharTokenizer() : new WordTokenizer();
        int[] train;
        int[] valid;
        int[] test = null;
        Vocabulary vocab;
        if (chars) {
            String text = TextFiles.readUtf8(data.resolve("tinyshakespeare/input.txt"));
            int[] cps = text.codePoints().toArray();
            int cut = (int) (cps.length * 0.9);
            String trainText = new String(cps, 0, cut);
            String validText = new String(cps, cut, cps.length - cut);
            vocab = tok.buildVocabulary(trainText);
            train = tok.encode(trainText, vocab);
            valid = tok.encode(validText, vocab);
        } else {
            boolean wiki = corpus.equals("wt2");
            if (!wiki && !corpus.equals("ptb")) {
                throw new IllegalArgumentException("--corpus must be ts, ptb or wt2, got " + corpus);
            }
            Path dir = data.resolve(wiki ? "wikitext-2" : "ptb");
            String pattern = wiki ? "wiki.%s.tokens" : "ptb.%s.txt";
            String trainText = TextFiles.readUtf8(dir.resolve(String.format(pattern, "train")));
            vocab = tok.buildVocabulary(trainText);
            train = tok.encode(trainText, vocab);
            valid = tok.encode(TextFiles.readUtf8(dir.resolve(String.format(pattern, "valid"))), vocab);
            test = tok.encode(TextFiles.readUtf8(dir.resolve(String.format(pattern, "test"))), vocab);
        }
        int e = a.integer("emb", chars ? 64 : 256);
        int h = a.integer("hidden", chars ? 512 : 256);
        int b = a.integer("batch", 32);
        int bptt = a.integer("bptt", chars ? 64 : 35);
        long seed = a.integer("seed", 1);
        double lr = a.number("lr", chars ? 0.002 : 0.001);
        var k = ctx.kernels();
        String optimizer = a.get("optimizer", "adam");
        String schedule = a.get("schedule", "plateau");
        Map<String, String> so = schedule.equals("plateau")
                ? Map.of("mode", a.get("plateau-mode", "on-stall"), "decay", a.get("decay", "4"), "min-improvement", "1")
                : Map.of();
        double minutes = a.number("minutes", 20);
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(b).withBptt(bptt).withEpochs(1000)
                .withMaxTime(Duration.ofMillis((long) (minutes * 60_000))).withEvalEvery(a.integer("eval-every", 500))
                .withLogEvery(a.integer("log-every", 100)).withSeed(seed);
        String output = a.get("output", "softmax");
        Map<String, String> outputOptions = new java.util.TreeMap<>();
        for (String kv : a.get("output-options", "").split(",")) {
            if (!kv.isBlank()) {
                int eq = kv.indexOf('=');
                outputOptions.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim().replace(';', ','));
            }
        }
        System.out.printf(Locale.ROOT, "{\"event\":\"config\",\"corpus\":\"%s\",\"output\":\"%s %s\",\"V\":%d,"
                        + "\"E\":%d,\"H\":%d,\"B\":%d,\"bptt\":%d,\"optimizer\":\"%s\",\"lr\":%s,\"clip\":%s,\"schedule\":\"%s %s\",\"minutes\":%s,"
                        + "\"train_tokens\":%d,\"kernels\":\"%s\",\"jdk\":\"%s\",\"seed\":%d}%n",
                corpus, output, outputOptions, vocab.size(), e, h, b, bptt, optimizer, lr, a.get("clip", chars ? "5" : "0.25"), schedule, so,
                minutes, train.length, k.name(), Runtime.version(), seed);
        final long t0 = System.nanoTime();
        ModelSpec ms = new ModelSpec("elman", Map.of("activation", "tanh"), vocab.size(), e, h)
                .withOutput(output, outputOptions);
        RunSpec spec = RunSpec.of(ms).withOptimizer(ProviderChoice.of(optimizer)).withLearningRate(lr)
                .withSchedule(new ProviderChoice(schedule, so))
                .withClipper(new ProviderChoice("global-norm", Map.of("max-norm", a.get("clip", chars ? "5" : "0.25"))))
                .withTrainer(cfg);
        TrainingRun trainer = TrainingRun.start(spec, tok, vocab, Providers.load(), k);
        trainer.addListener(new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                System.out.printf(Locale.ROOT, "{\"event\":\"step\",\"epoch\":%d,\"step\":%d,\"loss\":%.4f,\"lr\":%.3g,"
                                + "\"clip_rate\":%.2f,\"tokens_per_s\":%.0f,\"train_s\":%.1f}%n", r.epoch(), r.step(),
                        r.loss(), r.learningRate(), r.clipRate(), r.tokensPerSecond(), r.elapsed().toMillis() / 1e3);
            }

            @Override
            public void onValidation(ValidationReport r) {
                System.out.printf(Locale.ROOT, "{\"event\":\"valid\",\"epoch\":%d,\"step\":%d,\"loss\":%.4f,\"ppl\":%.2f,"
                                + "\"lr\":%.3g,\"rolled_back\":%s,\"wall_s\":%.1f,\"note\":\"%s\"}%n", r.epoch(), r.step(),
                        r.result().meanLoss(), r.result().perplexity(), r.learningRate(), r.rolledBack(),
                        (System.nanoTime() - t0) / 1e9, r.note());
            }
        });
        TrainingResult res = trainer.train(train, valid);
        Evaluation best = res.bestValidation();
        String testPart = "";
        if (test != null) {
            Evaluation te = Evaluator.evaluate(trainer.model().network(), test, 10, bptt, "test corpus");
            testPart = String.format(Locale.ROOT, ",\"test_loss\":%.4f,\"test_ppl\":%.2f", te.meanLoss(), te.perplexity());
        }
        System.out.printf(Locale.ROOT, "{\"event\":\"end\",\"steps\":%d,\"skipped\":%d,\"tokens\":%d,\"train_s\":%.1f,"
                        + "\"wall_s\":%.1f,\"best_valid_loss\":%.4f,\"best_valid_ppl\":%.2f,\"best_valid_bits\":%.4f%s,"
                        + "\"stop\":\"%s\"}%n", res.steps(), res.skippedSteps(), res.tokens(), res.elapsed().toMillis() / 1e3,
                (System.nanoTime() - t0) / 1e9, best.meanLoss(), best.perplexity(), best.bitsPerToken(), testPart,
                res.stopReason());
    }
}
