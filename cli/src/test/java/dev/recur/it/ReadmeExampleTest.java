package dev.recur.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.cells.ElmanCell;
import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.RnnLanguageModel;
import dev.recur.optim.Adam;
import dev.recur.optim.GlobalNormClipper;
import dev.recur.text.CharTokenizer;
import dev.recur.text.TextFiles;
import dev.recur.text.Vocabulary;
import dev.recur.train.Trainer;
import dev.recur.train.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library example of the README, verbatim between the markers, on a small generated text. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleRuns() throws Exception {
        Path file = dir.resolve("input.txt");
        Files.writeString(file, "To be, or not to be, that is the question.\n".repeat(200));
        double loss = example(file);
        assertTrue(loss < Math.log(20), "the example learns something: " + loss);
    }

    static double example(Path file) {
        // README-EXAMPLE-BEGIN
        CharTokenizer tokenizer = new CharTokenizer();
        String text = TextFiles.readUtf8(file);
        Vocabulary vocab = tokenizer.buildVocabulary(text);
        int[] ids = tokenizer.encode(text, vocab);
        int cut = ids.length * 9 / 10;
        int[] train = Arrays.copyOfRange(ids, 0, cut), valid = Arrays.copyOfRange(ids, cut, ids.length);
        RnnLanguageModel model = new RnnLanguageModel(vocab.size(), 32,
                new ElmanCell(32, 128, Activation.TANH, 1), 1, Kernels.get());
        TrainerConfig config = TrainerConfig.defaults().withBatchSize(8).withBptt(32).withEpochs(3);
        new Trainer(model, new Adam(0.003), new GlobalNormClipper(5), config).train(train, valid);
        Evaluation e = Evaluator.evaluate(model, valid, 10, 32, "validation");
        System.out.printf("validation: %.3f nats/char, perplexity %.2f%n", e.meanLoss(), e.perplexity());
        // README-EXAMPLE-END
        return e.meanLoss();
    }
}
