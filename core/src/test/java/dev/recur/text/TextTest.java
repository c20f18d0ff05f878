package dev.recur.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTest {

    @TempDir
    Path dir;

    @Test
    void wordTokensWithEosPerLineAndUnkForRareWords() {
        WordTokenizer t = new WordTokenizer(2, 0);
        Vocabulary v = t.buildVocabulary(" the cat sat \nthe dog  sat\n");
        // counts: the 2, <unk> 2 (cat, dog), sat 2, <eos> 2; ties in order of first appearance in the encoded text
        assertEquals(List.of("the", "<unk>", "sat", "<eos>"), v.tokens());
        assertArrayEquals(new long[] {2, 2, 2, 2}, v.counts());
        int[] ids = t.encode("the cat sat\nthe bird", v);
        assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 3}, ids);
        assertEquals("the <unk> sat\nthe <unk>\n", t.decode(ids, v));
    }

    @Test
    void wordVocabularyIsCappedByFrequencyThenFirstOccurrence() {
        WordTokenizer t = new WordTokenizer(1, 4);
        Vocabulary v = t.buildVocabulary("b a a c c d\n");
        // kept: a 2, c 2 (two words besides the specials); <unk> = b + d = 2 and appears first (as b); <eos> 1
        assertEquals(List.of("<unk>", "a", "c", "<eos>"), v.tokens());
        assertArrayEquals(new long[] {2, 2, 2, 1}, v.counts());
        assertEquals(v.unkId(), v.id("b"));
        assertEquals(3, v.eosId());
    }

    @Test
    void existingUnkTokenIsMergedNotDuplicated() {
        Vocabulary v = new WordTokenizer().buildVocabulary("a <unk> b\n");
        assertEquals(List.of("a", "<unk>", "b", "<eos>"), v.tokens());
        Vocabulary ptb = new WordTokenizer().buildVocabulary("x <unk> y <unk>\nz <unk>\n");
        assertEquals(List.of("<unk>", "<eos>", "x", "y", "z"), ptb.tokens(), "PTB: <unk> is a frequent word like any");
        assertArrayEquals(new long[] {3, 2, 1, 1, 1}, ptb.counts());
    }

    @Test
    void charTokensAreCodePoints() {
        CharTokenizer t = new CharTokenizer();
        String text = "a😀b\n";
        Vocabulary v = t.buildVocabulary(text);
        assertEquals(5, v.size(), "unk + 4 code points (the emoji is 2 UTF-16 units but one token)");
        int[] ids = t.encode(text, v);
        assertEquals(4, ids.length);
        assertEquals(text, t.decode(ids, v));
        assertEquals(v.unkId(), t.encode("z", v)[0], "unseen characters map to <unk>");
        assertEquals(-1, v.eosId());
    }

    @Test
    void invalidUtf8NamesTheByteOffset() throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.write(f, new byte[] {'a', 'b', 'c', (byte) 0xC3, (byte) 0x28, 'd'});
        CorpusException e = assertThrows(CorpusException.class, () -> TextFiles.readUtf8(f));
        assertEquals(f + ": invalid UTF-8 at byte offset 3 (expected a UTF-8 text file)", e.getMessage());
    }

    @Test
    void bomIsStrippedAndMissingFilesAreClear() throws Exception {
        Path f = dir.resolve("bom.txt");
        Files.write(f, ("\uFEFFhello").getBytes(StandardCharsets.UTF_8));
        assertEquals("hello", TextFiles.readUtf8(f));
        CorpusException e = assertThrows(CorpusException.class, () -> TextFiles.readUtf8(dir.resolve("nope.txt")));
        assertTrue(e.getMessage().endsWith("nope.txt: no such file"), e.getMessage());
        CorpusException d = assertThrows(CorpusException.class, () -> TextFiles.readUtf8(dir));
        assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
    }

    @Test
    void batchifyCutsContiguousStreams() {
        int[] tokens = new int[11];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i;
        }
        TokenStreams s = TokenStreams.of(tokens, 2, 2, "corpus");
        assertEquals(5, s.length());
        assertEquals(0, s.at(0, 0));
        assertEquals(5, s.at(1, 0));
        int[] w = new int[6];
        s.window(1, 3, w);
        assertArrayEquals(new int[] {1, 6, 2, 7, 3, 8}, w, "time-major window");
    }

    @Test
    void emptyAndShortCorporaAreClearErrors() {
        CorpusException empty = assertThrows(CorpusException.class, () -> TokenStreams.of(new int[0], 4, 36, "training corpus"));
        assertEquals("training corpus is empty: expected at least 144 tokens", empty.getMessage());
        CorpusException shortOne = assertThrows(CorpusException.class,
                () -> TokenStreams.of(new int[100], 4, 36, "training corpus"));
        assertEquals("training corpus is too short: 100 tokens in 4 streams give 25 tokens per stream, expected at "
                + "least 36 (at least 144 tokens; use a smaller batch or window)", shortOne.getMessage());
    }
}
