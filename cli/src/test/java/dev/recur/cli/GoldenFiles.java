package dev.recur.cli;

import dev.recur.model.ModelWorkspace;

import dev.recur.cells.ElmanCellProvider;
import dev.recur.io.ModelFiles;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.RnnLanguageModel;
import dev.recur.text.CharTokenizer;
import dev.recur.text.Tokenizer;
import dev.recur.text.Vocabulary;
import dev.recur.text.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Makes the golden model files of format version 1 (committed under src/test/resources/golden) and the
 * logits each gives for a fixed input (the next-token scores: log-probabilities for the factored output
 * layers). {@code java ... dev.recur.cli.GoldenFiles cli/src/test/resources/golden} writes the ones that do
 * not exist yet; it never regenerates a file: later versions must keep reading them.
 */
public final class GoldenFiles {

    static final String WORD_TEXT = "the cat sat on the mat\nthe dog sat on the log\n";
    static final String CHAR_TEXT = "Fair is foul, and foul is fair: ünïcödé 😀\n";
    static final String WORD_INPUT = "the dog sat on the mat";
    static final String CHAR_INPUT = "foul is fair";

    record Golden(String name, String level, String text, String input, Map<String, String> cellOptions, int e, int h,
                  String output, Map<String, String> outputOptions) {
        Golden(String name, String level, String text, String input, Map<String, String> cellOptions, int e, int h) {
            this(name, level, text, input, cellOptions, e, h, "softmax", Map.of());
        }
    }

    static final Golden[] ALL = {
        new Golden("v1-word-elman-tanh", "word", WORD_TEXT, WORD_INPUT, Map.of("activation", "tanh"), 5, 7),
        new Golden("v1-char-elman-relu", "char", CHAR_TEXT, CHAR_INPUT,
                Map.of("activation", "relu", "init", "xavier", "init-scale", "1.5"), 4, 6),
        // written 2026-12-05, when output layers became plugins and vocabularies kept their training counts
        new Golden("v1-word-elman-adaptive", "word", WORD_TEXT, WORD_INPUT, Map.of("activation", "tanh"), 5, 7,
                "adaptive", Map.of("cutoffs", "3,6", "divisor", "2")),
        new Golden("v1-word-elman-class", "word", WORD_TEXT, WORD_INPUT, Map.of("activation", "tanh"), 5, 7,
                "class", Map.of("classes", "3")),
    };

    static LanguageModel build(Golden g) {
        Tokenizer tok = g.level().equals("word") ? new WordTokenizer() : new CharTokenizer();
        Vocabulary v = tok.buildVocabulary(g.text());
        ModelSpec spec = new ModelSpec("elman", g.cellOptions(), v.size(), g.e(), g.h(), 1, 0, false, g.output(),
                g.outputOptions());
        RnnLanguageModel net = RnnLanguageModel.create(spec, new ElmanCellProvider(),
                dev.recur.spi.Providers.load().outputs().get(g.output()), v.counts(), 20261128L, Kernels.get());
        // give the output biases distinctive values so that a mix-up of tensors shows in the logits
        for (var p : net.output().parameters()) {
            if (p.name().endsWith("b") || p.name().equals("b2")) {
                float[] b = p.value();
                for (int i = 0; i < b.length; i++) {
                    b[i] = 0.01f * i;
                }
            }
        }
        return new LanguageModel(net, tok, v);
    }

    /** The logits after feeding {@code input}, one per line as float bits in hex and as a decimal. */
    static float[] logits(LanguageModel lm, String input) {
        int[] ids = lm.tokenizer().encode(input, lm.vocabulary());
        RnnLanguageModel net = lm.network();
        ModelWorkspace ws = net.newWorkspace(1, ids.length);
        float[] state = net.newState(1);
        float[] out = new float[net.vocabSize()];
        net.logitsAfter(ws, ids.length, ids, state, state, out);
        return out;
    }

    static String format(float[] logits) {
        StringJoiner j = new StringJoiner("\n", "", "\n");
        for (float f : logits) {
            j.add(String.format(Locale.ROOT, "%.9g", f));
        }
        return j.toString();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Golden g : ALL) {
            if (Files.exists(dir.resolve(g.name() + ".recur"))) {
                continue; // never regenerate a golden file: later versions must read the ones written
            }
            LanguageModel lm = build(g);
            ModelFiles.save(dir.resolve(g.name() + ".recur"), lm);
            Files.writeString(dir.resolve(g.name() + ".logits"), format(logits(lm, g.input())));
        }
    }
}
