package dev.recur.cli;

import com.google.protobuf.ByteString;
import dev.recur.io.Checkpoints;
import dev.recur.io.ModelFileException;
import dev.recur.io.ModelFiles;
import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.Tensor;
import dev.recur.math.Kernels;
import dev.recur.spi.Providers;
import dev.recur.text.CorpusException;
import dev.recur.text.TextFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing of every reader (jqwik): model files and checkpoints with mutated payloads (the header's length and
 * CRC rewritten so that the mutation reaches the protobuf parser and the validation), model files with
 * generated field values, text files of random bytes, and n-best input through {@code recur score}. The only
 * outcomes allowed: a value, or the reader's typed one-line error. 300 tries per property in the ordinary
 * build; the long run: {@code ./mvnw -pl cli test -Dtest=FuzzReadersTest -Djqwik.tries.default=100000}.
 */
class FuzzReadersTest {

    static final int HEADER = 24;
    static Path dir;
    static byte[] model;
    static byte[] checkpoint;
    static Providers providers;

    @BeforeContainer
    static void train() throws IOException {
        dir = Files.createTempDirectory("recur-fuzz");
        Path corpus = Files.writeString(dir.resolve("c.txt"), "the cat sat on the mat\nthe dog sat on the log\n".repeat(20));
        Path m = dir.resolve("m.recur");
        CliRunner.Result r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "word", "--hidden", "8",
                "--embedding", "4", "--bptt", "4", "--batch", "2", "--max-steps", "6", "--checkpoint-every", "3",
                "--out", m.toString(), "--sample-length", "0", "--cell", "lstm", "--layers", "2", "--output",
                "adaptive", "--output-option", "cutoffs=4,8");
        if (r.code() != 0) {
            throw new IllegalStateException(r.toString());
        }
        model = Files.readAllBytes(m);
        checkpoint = Files.readAllBytes(dir.resolve("m.recur.ckpt"));
        providers = Providers.load();
    }

    /** The payload with a mutation applied, under a header whose length and CRC match it. */
    static byte[] reframe(byte[] original, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(original, 0, 12); // magic and format version
        CRC32 crc = new CRC32();
        crc.update(payload);
        b.putLong(payload.length).putInt((int) crc.getValue()).put(payload);
        return b.array();
    }

    record Mutation(int kind, int position, int length, byte[] bytes) {
        byte[] apply(byte[] p) {
            int pos = Math.floorMod(position, Math.max(1, p.length));
            return switch (kind) {
                case 0 -> { // overwrite bytes
                    byte[] q = p.clone();
                    for (int i = 0; i < bytes.length && pos + i < q.length; i++) {
                        q[pos + i] = bytes[i];
                    }
                    yield q;
                }
                case 1 -> java.util.Arrays.copyOf(p, pos); // truncate
                case 2 -> { // insert
                    byte[] q = new byte[p.length + bytes.length];
                    System.arraycopy(p, 0, q, 0, pos);
                    System.arraycopy(bytes, 0, q, pos, bytes.length);
                    System.arraycopy(p, pos, q, pos + bytes.length, p.length - pos);
                    yield q;
                }
                default -> { // delete a run
                    int len = Math.min(length, p.length - pos);
                    byte[] q = new byte[p.length - len];
                    System.arraycopy(p, 0, q, 0, pos);
                    System.arraycopy(p, pos + len, q, pos, p.length - pos - len);
                    yield q;
                }
            };
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().greaterOrEqual(0), Arbitraries.integers().between(1, 64),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16)).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }

    static byte[] mutate(byte[] file, List<Mutation> ms) {
        byte[] p = java.util.Arrays.copyOfRange(file, HEADER, file.length);
        for (Mutation m : ms) {
            p = m.apply(p);
        }
        return reframe(file, p);
    }

    static Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Property
    void mutatedModelFilesLoadOrAreRefusedCleanly(@ForAll("mutations") List<Mutation> ms) throws IOException {
        Path f = write("fuzz.recur", mutate(model, ms));
        try {
            ModelFiles.load(f, providers, Kernels.get());
        } catch (ModelFileException e) {
            oneLine(e);
        }
    }

    @Property
    void mutatedCheckpointsLoadOrAreRefusedCleanly(@ForAll("mutations") List<Mutation> ms) throws IOException {
        Path f = write("fuzz.ckpt", mutate(checkpoint, ms));
        try {
            Checkpoints.load(f, providers, Kernels.get());
        } catch (ModelFileException e) {
            oneLine(e);
        }
    }

    /** Structure-aware: the valid message with its sizes, names, shapes and tensor bytes replaced. */
    @Property
    void generatedModelMessagesLoadOrAreRefusedCleanly(@ForAll("sizes") int vocab, @ForAll("sizes") int hidden,
                                                       @ForAll("names") String cell, @ForAll("names") String output,
                                                       @ForAll("sizes") int tensor, @ForAll("sizes") int dim,
                                                       @ForAll("sizes") int bytes, @ForAll("sizes") int tokens)
            throws IOException {
        ModelFile valid = ModelFiles.read(write("valid.recur", model));
        ModelFile.Builder b = valid.toBuilder();
        b.getSpecBuilder().setVocabSize(vocab).setHiddenSize(hidden).setCell(cell).setOutputLayer(output)
                .putOutputOptions("cutoffs", vocab + "," + dim);
        if (b.getTensorsCount() > 0) {
            int t = Math.floorMod(tensor, b.getTensorsCount());
            Tensor.Builder tb = b.getTensorsBuilder(t);
            if (tb.getShapeCount() > 0) {
                tb.setShape(Math.floorMod(dim, tb.getShapeCount()), dim);
            }
            tb.setData(ByteString.copyFrom(new byte[Math.floorMod(bytes, 4096)]));
        }
        var tok = b.getTokenizerBuilder();
        List<String> keep = List.copyOf(tok.getTokensList().subList(0, Math.min(tok.getTokensCount(),
                Math.floorMod(tokens, 64))));
        tok.clearTokens().addAllTokens(keep);
        byte[] payload = b.build().toByteArray();
        Path f = write("gen.recur", reframe(model, payload));
        try {
            ModelFiles.load(f, providers, Kernels.get());
        } catch (ModelFileException e) {
            oneLine(e);
        }
    }

    /** Found by this fuzzer: a name with a line break made the error two lines. */
    @Example
    void aHostileNameIsEchoedOnOneLine() throws IOException {
        ModelFile.Builder b = ModelFiles.read(write("valid2.recur", model)).toBuilder();
        b.getSpecBuilder().setCell("lstm\nrecur: all is well\u2028" + "x".repeat(1000));
        Path f = write("hostile.recur", reframe(model, b.build().toByteArray()));
        try {
            ModelFiles.load(f, providers, Kernels.get());
            throw new AssertionError("loaded a model with a hostile cell name");
        } catch (ModelFileException e) {
            oneLine(e);
            if (!e.getMessage().contains("lstm\\nrecur: all is well\\u2028") || e.getMessage().length() > 410) {
                throw new AssertionError(e.getMessage());
            }
        }
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-2, 40), Arbitraries.integers(),
                Arbitraries.of(0, 1, 2, 65536, 65537, 10_000_000, 10_000_001, Integer.MAX_VALUE, Integer.MIN_VALUE));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.of("elman", "lstm", "gru", "softmax", "adaptive", "class", "", "x"),
                Arbitraries.strings().ofMaxLength(12));
    }

    @Property
    void randomBytesAreTextOrACorpusError(@ForAll byte[] bytes) throws IOException {
        Path f = write("t.txt", bytes);
        try {
            TextFiles.readUtf8(f);
        } catch (CorpusException e) {
            oneLine(e);
        }
    }

    @Property(tries = 60)
    void nbestInputIsScoredOrABadDataError(@ForAll("nbestLines") List<String> lines) throws IOException {
        Path m = write("nb.recur", model);
        Path in = Files.write(dir.resolve("nb.txt"), lines);
        CliRunner.Result r = CliRunner.run("score", "--model", m.toString(), in.toString(), "--nbest");
        if (r.code() != 0 && r.code() != 3) {
            throw new AssertionError("exit " + r.code() + " for " + lines + "\n" + r);
        }
        if (r.code() == 3 && r.err().strip().contains("\n")) {
            throw new AssertionError("not one line: " + r.err());
        }
    }

    @Provide
    Arbitrary<List<String>> nbestLines() {
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.of("u-1", "u-2", "u", "v-10", "-1", "u--1"),
                Arbitraries.strings().withChars("uv-0123456789_").ofMinLength(1).ofMaxLength(6));
        Arbitrary<String> score = Arbitraries.oneOf(Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("NaN", "-Infinity", "1e400", "x", "", "0x1p3"));
        Arbitrary<String> words = Arbitraries.oneOf(Arbitraries.of("the cat", "", "zebra zebra", "the  dog\tsat"),
                Arbitraries.strings().ofMaxLength(20));
        return Combinators.combine(id, score, words).as((i, s, w) -> i + " " + s + " " + w).list().ofMaxSize(8);
    }

    static void oneLine(RuntimeException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank() || m.contains("\n")) {
            throw new AssertionError("the error is not one line: " + m, e);
        }
    }
}
