package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.cli.render.Charts;
import dev.recur.cli.render.Json;
import dev.recur.io.ModelFiles;
import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.SentenceScorer;
import dev.recur.spi.Providers;
import dev.recur.text.CorpusException;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code recur score}: sentence scores, and n-best rescoring. */
@Command(name = "score", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Score sentences (one per line, FILE or standard input): one output line per input line, in order.",
                "Each line is scored on its own (zero state, the line-start token as context) including its line end;",
                "unknown words are scored as <unk> and counted as OOV.",
                "tsv columns: log-probability (natural log), log10-probability, tokens, OOV words, perplexity",
                "[, the tokens' log-probabilities].",
                "With --nbest, lines are '<utterance-id> <score> <hypothesis words...>' (Kaldi's '<utt>-<n>' ids",
                "accepted); each hypothesis gets score + lm-weight x log P(hypothesis), and the best one per",
                "utterance is written as '<utterance> <words...>'."})
public final class ScoreCommand extends ComputeCommand {

    /** Lines read, scored and written at a time (memory stays bounded on any input size). */
    static final int CHUNK = 4096;
    private static final Pattern KALDI_ID = Pattern.compile("(.+)-(\\d+)");

    @Spec
    CommandSpec spec;
    @Mixin
    ModelFileOption model;

    @Mixin
    WeightsOption weightsOption;
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "UTF-8 text, one sentence (or n-best entry) per line; standard input when absent or '-'.")
    String input;
    @Option(names = "--batch", defaultValue = "32", description = "Sentences scored side by side.")
    int batch;
    @Option(names = "--format", defaultValue = "tsv", description = "tsv or jsonl.")
    String format;
    @Option(names = "--per-token", description = "Also print each token's log-probability (natural log).")
    boolean perToken;
    @Option(names = "--nbest", description = "Rescore n-best lists: '<utterance-id> <score> <words...>' per line.")
    boolean nbest;
    @Option(names = "--lm-weight", defaultValue = "1.0", description = "Weight of the model's log-probability (--nbest).")
    double lmWeight;
    @Option(names = "--log-base", defaultValue = "e",
            description = "Base of the log-probability added to the n-best score: e or 10 (--nbest).")
    String logBase;
    @Option(names = "--score-is-cost", description = "The n-best score is a cost (lower is better, e.g. Kaldi's): it is negated.")
    boolean scoreIsCost;
    @Option(names = "--nbest-ids", defaultValue = "auto",
            description = "How hypotheses group into utterances: plain (consecutive equal ids), kaldi ('<utt>-<n>'), "
                    + "or auto (either).")
    String nbestIds;
    @Option(names = "--ranked", paramLabel = "FILE",
            description = "Also write every hypothesis, best first per utterance: '<id> <total> <score> <lm-logprob> <words...>' (--nbest).")
    Path ranked;

    @Inject
    ScoreCommand(Providers providers, MathKernels kernels) {
        super(providers, kernels);
    }

    @Override
    void validate() {
        if (batch < 1) {
            throw new UsageException("--batch must be >= 1, got " + batch);
        }
        if (!format.equals("tsv") && !format.equals("jsonl")) {
            throw new UsageException("--format must be tsv or jsonl, got " + format);
        }
        if (!logBase.equals("e") && !logBase.equals("10")) {
            throw new UsageException("--log-base must be e or 10, got " + logBase);
        }
        if (!List.of("auto", "plain", "kaldi").contains(nbestIds)) {
            throw new UsageException("--nbest-ids must be auto, plain or kaldi, got " + nbestIds);
        }
        if (!Double.isFinite(lmWeight)) {
            throw new UsageException("--lm-weight must be a finite number, got " + lmWeight);
        }
        if (!nbest && (ranked != null || scoreIsCost)) {
            throw new UsageException("--ranked and --score-is-cost need --nbest");
        }
        if (nbest && perToken) {
            throw new UsageException("--per-token scores sentences; it does not combine with --nbest");
        }
    }

    @Override
    int run(MathKernels kernels) {
        LanguageModel lm = weightsOption.apply(ModelFiles.load(model.path(), providers, kernels), spec.commandLine().getErr());
        SentenceScorer scorer = new SentenceScorer(lm, batch);
        String name = input == null || input.equals("-") ? "standard input" : input;
        PrintWriter out = spec.commandLine().getOut();
        try (BufferedReader reader = open()) {
            if (nbest) {
                rescore(lm, scorer, reader, name, out);
            } else {
                score(lm, scorer, reader, name, out);
            }
        } catch (CharacterCodingException e) {
            throw new CorpusException(name + ": is not valid UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read: " + e.getMessage(), e);
        }
        out.flush();
        return ExitCode.OK.code();
    }

    /** Opens the input and skips a UTF-8 byte-order mark, as the corpus reader does. */
    private BufferedReader open() throws IOException {
        BufferedReader r = openRaw();
        r.mark(1);
        if (r.read() != '\uFEFF') {
            r.reset();
        }
        return r;
    }

    private BufferedReader openRaw() throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        if (input == null || input.equals("-")) {
            return new BufferedReader(new InputStreamReader(System.in, decoder));
        }
        Path p = Path.of(input);
        if (Files.isDirectory(p)) {
            throw new CorpusException(input + ": is a directory, not a text file");
        }
        try {
            return new BufferedReader(new InputStreamReader(Files.newInputStream(p), decoder));
        } catch (NoSuchFileException e) {
            throw new CorpusException(input + ": no such file");
        }
    }

    private void score(LanguageModel lm, SentenceScorer scorer, BufferedReader reader, String name, PrintWriter out)
            throws IOException {
        List<String> lines = new ArrayList<>(CHUNK);
        long lineNo = 0;
        String line;
        boolean more = true;
        while (more) {
            line = reader.readLine();
            more = line != null;
            if (more) {
                lines.add(line);
            }
            if (lines.size() == CHUNK || (!more && !lines.isEmpty())) {
                List<SentenceScorer.Score> scores = scorer.score(lines);
                for (int i = 0; i < lines.size(); i++) {
                    lineNo++;
                    out.println(format(lm, lineNo, scores.get(i)));
                }
                out.flush();
                lines.clear();
            }
        }
    }

    private String format(LanguageModel lm, long lineNo, SentenceScorer.Score s) {
        if (format.equals("tsv")) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.4f\t%.4f\t%d\t%d\t%.4f", s.logProb(),
                    s.log10Prob(), s.tokens(), s.oov(), s.perplexity()));
            if (perToken) {
                sb.append('\t');
                for (int t = 0; t < s.tokens(); t++) {
                    sb.append(t == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.4f", s.logProbs()[t]));
                }
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "{\"line\":%d,\"logprob\":%.6f,\"log10prob\":%.6f,\"tokens\":%d,\"oov\":%d,\"perplexity\":%.6f", lineNo,
                s.logProb(), s.log10Prob(), s.tokens(), s.oov(), s.perplexity()));
        if (perToken) {
            sb.append(",\"token_ids\":[");
            for (int t = 0; t < s.tokens(); t++) {
                sb.append(t == 0 ? "" : ",").append(s.ids()[t]);
            }
            sb.append("],\"token_texts\":[");
            for (int t = 0; t < s.tokens(); t++) {
                sb.append(t == 0 ? "" : ",").append(Json.quote(lm.vocabulary().token(s.ids()[t])));
            }
            sb.append("],\"token_logprobs\":[");
            for (int t = 0; t < s.tokens(); t++) {
                sb.append(t == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", s.logProbs()[t]));
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    /** One n-best entry and, once scored, its model log-probability. */
    private record Hypothesis(String id, String utterance, boolean kaldi, double score, String words, long line) {
    }

    private void rescore(LanguageModel lm, SentenceScorer scorer, BufferedReader reader, String name, PrintWriter out)
            throws IOException {
        Path target = ranked == null ? null : ranked.toAbsolutePath();
        Path tmp = null;
        BufferedWriter rankedOut = null;
        try {
            if (target != null) {
                Files.createDirectories(target.getParent());
                tmp = Charts.tempBeside(target);
                rankedOut = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
            }
            List<Hypothesis> chunk = new ArrayList<>(CHUNK);
            List<Hypothesis> group = new ArrayList<>();
            List<Double> groupLm = new ArrayList<>();
            long lineNo = 0;
            String line;
            boolean more = true;
            while (more) {
                line = reader.readLine();
                more = line != null;
                if (more) {
                    lineNo++;
                    if (!line.isBlank()) {
                        chunk.add(parse(line, lineNo, name));
                    }
                }
                if (chunk.size() == CHUNK || (!more && !chunk.isEmpty())) {
                    List<SentenceScorer.Score> scores = scorer.score(chunk.stream().map(Hypothesis::words).toList());
                    for (int i = 0; i < chunk.size(); i++) {
                        Hypothesis h = chunk.get(i);
                        if (!group.isEmpty() && !sameUtterance(group.get(0), h)) {
                            emit(group, groupLm, out, rankedOut);
                        }
                        group.add(h);
                        double lp = scores.get(i).logProb();
                        groupLm.add(logBase.equals("10") ? lp / Math.log(10) : lp);
                    }
                    chunk.clear();
                    out.flush();
                }
            }
            if (!group.isEmpty()) {
                emit(group, groupLm, out, rankedOut);
            }
            if (rankedOut != null) {
                rankedOut.close();
                rankedOut = null;
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            }
        } finally {
            if (rankedOut != null) {
                rankedOut.close();
            }
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private Hypothesis parse(String line, long lineNo, String name) {
        String[] f = line.strip().split("\\s+", 3);
        if (f.length < 2) {
            throw new CorpusException(name + ":" + lineNo + ": an n-best line is '<utterance-id> <score> <words...>', got '"
                    + abbreviate(line) + "'");
        }
        double score;
        try {
            score = Double.parseDouble(f[1]);
        } catch (NumberFormatException e) {
            score = Double.NaN;
        }
        if (!Double.isFinite(score)) {
            throw new CorpusException(name + ":" + lineNo + ": the score (second field) must be a finite number, got '"
                    + abbreviate(f[1]) + "'");
        }
        Matcher m = KALDI_ID.matcher(f[0]);
        boolean kaldi = m.matches();
        if (nbestIds.equals("kaldi") && !kaldi) {
            throw new CorpusException(name + ":" + lineNo + ": --nbest-ids kaldi needs ids '<utterance>-<n>', got '"
                    + abbreviate(f[0]) + "'");
        }
        String utterance = kaldi && !nbestIds.equals("plain") ? m.group(1) : f[0];
        return new Hypothesis(f[0], utterance, kaldi && !nbestIds.equals("plain"), scoreIsCost ? -score : score,
                f.length > 2 ? f[2] : "", lineNo);
    }

    private boolean sameUtterance(Hypothesis first, Hypothesis h) {
        if (h.id().equals(first.id())) {
            return true;
        }
        return first.kaldi() && h.kaldi() && first.utterance().equals(h.utterance());
    }

    private void emit(List<Hypothesis> group, List<Double> lm, PrintWriter out, BufferedWriter rankedOut)
            throws IOException {
        Integer[] order = new Integer[group.size()];
        double[] total = new double[group.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            total[i] = group.get(i).score() + lmWeight * lm.get(i);
        }
        // best first; ties keep the input order (the earlier hypothesis wins)
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -total[i]));
        Hypothesis best = group.get(order[0]);
        out.println(best.words().isEmpty() ? best.utterance() : best.utterance() + " " + best.words());
        if (rankedOut != null) {
            for (int i : order) {
                Hypothesis h = group.get(i);
                rankedOut.write(String.format(Locale.ROOT, "%s %.4f %.4f %.4f%s%n", h.id(), total[i],
                        scoreIsCost ? -h.score() : h.score(), lm.get(i), h.words().isEmpty() ? "" : " " + h.words()));
            }
        }
        group.clear();
        lm.clear();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
