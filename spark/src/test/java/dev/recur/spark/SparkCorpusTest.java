package dev.recur.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.recur.text.TextFiles;
import dev.recur.text.Tokenizer;
import dev.recur.text.Tokenizers;
import dev.recur.text.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus as Spark reads it equals the corpus as {@code recur train} reads it: the same vocabulary (tokens,
 * order, counts) counted by the Spark job as by the tokenizer on the whole text, for word and character level,
 * with cut-offs, with a held-out validation part, over several input splits; the shards are the training stream
 * cut in equal contiguous pieces and the validation ids are the validation text's.
 */
class SparkCorpusTest {

    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = SparkTests.local(2);
        // small input splits: the files are read as several partitions, so order across partitions matters
        sc.hadoopConfiguration().set("mapreduce.input.fileinputformat.split.maxsize", "150000");
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    private static void check(Path corpus, Path valid, double fraction, String level, int minCount, int maxVocab,
                              int workers) {
        String text = TextFiles.readUtf8(corpus);
        String[] parts = valid != null ? new String[] {text, TextFiles.readUtf8(valid)} : TextFiles.holdOut(text, fraction);
        Tokenizer tok = Tokenizers.of(level, minCount, maxVocab);
        Vocabulary expected = tok.buildVocabulary(parts[0]);
        SparkCorpus.Prepared p = SparkCorpus.prepare(sc, corpus.toString(), valid == null ? null : valid.toString(),
                fraction, new SparkCorpus.TokenizerSpec(level, minCount, maxVocab), null, workers);
        String what = corpus.getFileName() + " " + level + " min-count " + minCount + " max-vocab " + maxVocab;
        assertEquals(expected.tokens(), p.vocabulary().tokens(), what + ": tokens and their order");
        assertArrayEquals(expected.counts(), p.vocabulary().counts(), what + ": counts");
        int[] train = tok.encode(parts[0], expected);
        assertEquals(train.length, p.trainTokens(), what + ": training tokens");
        assertEquals(train.length / workers, p.shardLength());
        List<int[]> shards = p.shards().collect();
        assertEquals(workers, shards.size());
        for (int w = 0; w < workers; w++) {
            int s = p.shardLength();
            assertArrayEquals(Arrays.copyOfRange(train, w * s, (w + 1) * s), shards.get(w), what + ": shard " + w);
        }
        assertArrayEquals(tok.encode(parts[1], expected), p.valid(), what + ": validation ids");
        p.shards().unpersist(false);
    }

    @Test
    void ptbWordVocabularyEqualsRecurTrains() {
        assumeTrue(SparkTests.hasData(), "needs ../shared/data");
        Path ptb = SparkTests.data("ptb");
        check(ptb.resolve("ptb.train.txt"), ptb.resolve("ptb.valid.txt"), 0.1, "word", 1, 0, 3);
    }

    @Test
    void cutOffsAndHeldOutValidationGiveTheSameVocabulary() {
        assumeTrue(SparkTests.hasData(), "needs ../shared/data");
        Path wiki = SparkTests.data("wikitext-2").resolve("wiki.valid.tokens");
        check(wiki, null, 0.1, "word", 3, 0, 2);
        check(wiki, null, 0.25, "word", 1, 2000, 2);
    }

    @Test
    void characterLevelVocabularyEqualsRecurTrains() {
        assumeTrue(SparkTests.hasData(), "needs ../shared/data");
        check(SparkTests.data("tinyshakespeare").resolve("input.txt"), null, 0.1, "char", 1, 0, 2);
    }

    @Test
    void generatedWordCorporaWithCutOffsAndHeldOutValidation(@TempDir Path dir) throws Exception {
        // always run (no shared data needed): 30,000 lines over several input splits
        Path f = Files.writeString(dir.resolve("words.txt"), SparkTests.corpus(30_000, 9));
        check(f, null, 0.1, "word", 1, 0, 3);
        check(f, null, 0.2, "word", 4, 0, 2);
        check(f, null, 0.1, "word", 1, 700, 5);
    }

    @Test
    void generatedCharacterCorpusWithMultiByteCharacters(@TempDir Path dir) throws Exception {
        // Polish letters (2 bytes), CJK (3 bytes) and emoji (4 bytes, a surrogate pair per code point)
        String[] pieces = {"zażółć ", "gęślą ", "jaźń ", "漢字 ", "🙂 ", "🚀🚀 ", "abc ", "ż\t"};
        java.util.SplittableRandom r = new java.util.SplittableRandom(12);
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < 20_000; line++) {
            int n = 1 + r.nextInt(12);
            for (int i = 0; i < n; i++) {
                sb.append(pieces[r.nextInt(pieces.length)]);
            }
            sb.append('\n');
        }
        Path f = Files.writeString(dir.resolve("chars.txt"), sb);
        check(f, null, 0.1, "char", 1, 0, 2);
    }

    @Test
    void firstAppearanceBreaksTiesAcrossPartitionsAsInTheText(@TempDir Path dir) throws Exception {
        // every word occurs once: the vocabulary's order is the order of first appearance, across many splits
        StringBuilder sb = new StringBuilder("\uFEFF"); // and a byte-order mark, skipped as recur train does
        for (int i = 0; i < 60_000; i++) {
            sb.append("w").append(Integer.toString(i * 7919 % 60_000, 36)).append(i % 9 == 8 ? "\n" : " ");
        }
        sb.append("\n");
        Path f = dir.resolve("ties.txt");
        Files.writeString(f, sb);
        check(f, null, 0.1, "word", 1, 0, 4);
    }
}
