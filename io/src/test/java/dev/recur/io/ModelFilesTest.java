package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.ModelSpec;
import dev.recur.io.proto.Tensor;
import dev.recur.io.proto.TokenizerSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Header-level validation and atomic writes, on synthetic messages (no cell needed). */
class ModelFilesTest {

    @TempDir
    Path dir;

    static ModelFile message(int vocab, int tensorElements) {
        TokenizerSpec.Builder t = TokenizerSpec.newBuilder().setLevel("char");
        for (int i = 0; i < vocab; i++) {
            t.addTokens(i == 0 ? "<unk>" : String.valueOf((char) ('a' + i)));
        }
        return ModelFile.newBuilder().setFormatVersion(1).setLibraryVersion("test")
                .setSpec(ModelSpec.newBuilder().setCell("elman").setVocabSize(vocab).setEmbeddingSize(2)
                        .setHiddenSize(3).setOutputLayer("softmax"))
                .setTokenizer(t)
                .addTensors(Tensors.of("E", new int[] {vocab, 2}, new float[vocab * 2]))
                .addTensors(Tensors.of("x", new int[] {tensorElements}, new float[tensorElements]))
                .addTensors(Tensors.of("U", new int[] {3, vocab}, new float[3 * vocab]))
                .addTensors(Tensors.of("b2", new int[] {vocab}, new float[vocab]))
                .build();
    }

    @Test
    void roundTripsAMessage() {
        Path f = dir.resolve("m.recur");
        ModelFile m = message(5, 7);
        ModelFiles.write(f, m);
        assertEquals(m, ModelFiles.read(f));
    }

    @Test
    void truncatedAtAnyOffsetIsAOneLineError() throws Exception {
        Path f = dir.resolve("m.recur");
        ModelFiles.write(f, message(5, 100));
        byte[] full = Files.readAllBytes(f);
        for (int cut : new int[] {0, 1, 7, 8, 12, 23, 24, 25, 40, full.length / 2, full.length - 1}) {
            Path g = dir.resolve("cut" + cut);
            Files.write(g, java.util.Arrays.copyOf(full, cut));
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFiles.read(g), "cut at " + cut);
            assertTrue(e.getMessage().startsWith(g + ": "), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void randomBytesAndFlippedBitsAreRejected() throws Exception {
        SplittableRandom r = new SplittableRandom(17);
        byte[] junk = new byte[5000];
        r.nextBytes(junk);
        Path f = dir.resolve("junk");
        Files.write(f, junk);
        assertEquals(f + ": is not a recur model file (bad magic bytes)",
                assertThrows(ModelFileException.class, () -> ModelFiles.read(f)).getMessage());
        Path g = dir.resolve("m.recur");
        ModelFiles.write(g, message(5, 50));
        byte[] b = Files.readAllBytes(g);
        b[b.length - 10] ^= 0x10;
        Files.write(g, b);
        assertEquals(g + ": is corrupt (CRC-32 mismatch)",
                assertThrows(ModelFileException.class, () -> ModelFiles.read(g)).getMessage());
    }

    @Test
    void emptyFilesDirectoriesAndMissingFilesAreClear() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty"));
        assertEquals(empty + ": is empty, expected a recur model file",
                assertThrows(ModelFileException.class, () -> ModelFiles.read(empty)).getMessage());
        assertEquals(dir + ": is a directory, expected a recur model file",
                assertThrows(ModelFileException.class, () -> ModelFiles.read(dir)).getMessage());
        Path none = dir.resolve("none");
        assertEquals(none + ": no such file",
                assertThrows(ModelFileException.class, () -> ModelFiles.read(none)).getMessage());
    }

    @Test
    void newerFormatVersionsAndAbsurdSizesAreRefusedBeforeAllocation() throws Exception {
        Path f = dir.resolve("m.recur");
        ModelFiles.write(f, message(5, 10));
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 99);
        Files.write(f, b);
        assertEquals(f + ": has format version 99; this recur reads versions 1 to 1",
                assertThrows(ModelFileException.class, () -> ModelFiles.read(f)).getMessage());

        // a valid header and CRC around a spec that declares a 2-billion-token vocabulary
        ModelFile absurd = message(5, 10).toBuilder()
                .setSpec(message(5, 10).getSpec().toBuilder().setVocabSize(2_000_000_000)).build();
        Path g = dir.resolve("absurd.recur");
        ModelFiles.write(g, absurd);
        assertEquals(g + ": declares vocab_size 2000000000, expected 2 to 10000000",
                assertThrows(ModelFileException.class, () -> ModelFiles.read(g)).getMessage());

        // a tensor whose shape declares far more data than it holds
        ModelFile lying = message(5, 10).toBuilder()
                .setTensors(1, Tensor.newBuilder().setName("x").addShape(100000).addShape(100000)).build();
        Path h = dir.resolve("lying.recur");
        ModelFiles.write(h, lying);
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFiles.read(h)).getMessage()
                .contains("tensor 'x' has an invalid shape [100000, 100000]"));
        ModelFile shortData = message(5, 10).toBuilder()
                .setTensors(1, Tensor.newBuilder().setName("x").addShape(1000)).build();
        ModelFiles.write(h, shortData);
        assertEquals(h + ": tensor 'x' of shape [1000] needs 4000 bytes, the file holds 0",
                assertThrows(ModelFileException.class, () -> ModelFiles.read(h)).getMessage());
    }

    @Test
    void aCrashDuringASaveLeavesThePreviousFileIntact() throws Exception {
        Path f = dir.resolve("m.recur");
        ModelFile first = message(5, 10);
        ModelFiles.write(f, first);
        byte[] before = Files.readAllBytes(f);
        byte[] bigger = message(7, 500_000).toByteArray();
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> ModelFiles.writeAtomically(f, bigger, 1000));
        assertTrue(e.getMessage().contains("simulated crash") && e.getMessage().contains("previous file is unchanged"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f), "the previous file must be intact");
        assertEquals(first, ModelFiles.read(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void temporariesOfKilledWritersAreRemovedAtTheNextSaveAndLiveOnesKept() throws Exception {
        Path f = dir.resolve("m.recur.ckpt");
        // what killed runs leave: an older version's random name, and a dead process's pid
        long dead = deadPid();
        Path old = Files.writeString(dir.resolve(".m.recur.ckpt.8234671625.tmp"), "partial");
        Path killed = Files.writeString(dir.resolve(ModelFiles.tempPrefix("m.recur.ckpt", dead) + "991.tmp"), "partial");
        // a live writer (this very process) and another file's temporary must survive
        Path live = Files.writeString(dir.resolve(ModelFiles.tempPrefix("m.recur.ckpt", ProcessHandle.current().pid())
                + "17.tmp"), "in progress");
        Path other = Files.writeString(dir.resolve(".other.recur.123.tmp"), "not ours");
        ModelFiles.write(f, message(5, 10));
        assertTrue(Files.notExists(old), "an older version's leftover is removed");
        assertTrue(Files.notExists(killed), "a dead process's leftover (pid " + dead + ") is removed");
        assertTrue(Files.exists(live), "a live writer's temporary is kept");
        assertTrue(Files.exists(other), "another file's temporary is kept");
        assertEquals(message(5, 10), ModelFiles.read(f));
    }

    /** The pid of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long pid = p.pid();
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        return pid;
    }
}
