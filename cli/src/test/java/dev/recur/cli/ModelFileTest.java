package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.recur.io.ModelFiles;
import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.Tensor;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.spi.CellProvider;
import dev.recur.spi.ProviderRegistry;
import dev.recur.spi.Providers;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files: round trips, golden files of format 1, and hostile files through the CLI. */
class ModelFileTest {

    @TempDir
    Path dir;

    static final Providers PROVIDERS = Providers.load();

    @Test
    void saveThenLoadGivesIdenticalLogits() {
        for (GoldenFiles.Golden g : GoldenFiles.ALL) {
            LanguageModel lm = GoldenFiles.build(g);
            Path f = dir.resolve(g.name() + ".recur");
            ModelFiles.save(f, lm);
            LanguageModel back = ModelFiles.load(f, PROVIDERS, Kernels.get());
            assertArrayEquals(GoldenFiles.logits(lm, g.input()), GoldenFiles.logits(back, g.input()), g.name());
            assertEquals(lm.vocabulary().tokens(), back.vocabulary().tokens());
            assertEquals(lm.network().spec(), back.network().spec());
        }
    }

    @Test
    void stackedTiedModelsWithDropoutRoundTrip() {
        var tok = new dev.recur.text.CharTokenizer();
        var vocab = tok.buildVocabulary("hello world\n");
        var spec = new dev.recur.model.ModelSpec("lstm", java.util.Map.of(), vocab.size(), 6, 6, 2, 0.3, true);
        var net = dev.recur.model.RnnLanguageModel.create(spec, PROVIDERS.cells().get("lstm"), 5, Kernels.get());
        LanguageModel lm = new LanguageModel(net, tok, vocab);
        Path f = dir.resolve("stacked.recur");
        ModelFiles.save(f, lm);
        LanguageModel back = ModelFiles.load(f, PROVIDERS, Kernels.get());
        assertEquals(spec, back.network().spec());
        assertEquals(2, back.network().layers());
        assertTrue(back.network().tiedWeights());
        assertArrayEquals(GoldenFiles.logits(lm, "hello"), GoldenFiles.logits(back, "hello"));
        assertTrue(CliRunner.run("inspect", f.toString()).out().contains("l1.W_hh"));
    }

    @Test
    void goldenFilesOfFormat1StillLoadAndGiveTheirLogits() throws Exception {
        for (GoldenFiles.Golden g : GoldenFiles.ALL) {
            Path f = copyResource("/golden/" + g.name() + ".recur");
            LanguageModel lm = ModelFiles.load(f, PROVIDERS, Kernels.get());
            String expected;
            try (InputStream in = getClass().getResourceAsStream("/golden/" + g.name() + ".logits")) {
                expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            float[] want = parse(expected);
            float[] got = GoldenFiles.logits(lm, g.input());
            assertEquals(want.length, got.length, g.name());
            for (int i = 0; i < want.length; i++) {
                // across CPUs the vector reductions may round differently: 1e-5 relative
                assertEquals(want[i], got[i], 1e-5 * (1 + Math.abs(want[i])), g.name() + " logit " + i);
            }
            assertEquals(0, CliRunner.run("inspect", f.toString()).code());
        }
    }

    private Path copyResource(String name) throws Exception {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            assertTrue(in != null, "missing fixture " + name);
            Path f = dir.resolve(Path.of(name).getFileName().toString());
            Files.write(f, in.readAllBytes());
            return f;
        }
    }

    private static float[] parse(String s) {
        return toFloats(Arrays.stream(s.trim().split("\n")).mapToDouble(Double::parseDouble).toArray());
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** A hostile file must end with its exit code and a one-line message, no trace, quickly, for every command. */
    private void assertRejected(Path f, int code, String fragment) {
        assertRejected(f, code, fragment, true);
    }

    /** {@code inspectToo}: whether inspect (which validates but does not build the cell) must reject it too. */
    private void assertRejected(Path f, int code, String fragment, boolean inspectToo) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (String[] args : new String[][] {
                {"sample", "--model", f.toString(), "--length", "5"},
                {"eval", "--model", f.toString(), "--corpus", f.toString()},
                {"inspect", f.toString()}}) {
                CliRunner.Result r = CliRunner.run(args);
                if (args[0].equals("inspect") && !inspectToo) {
                    assertEquals(0, r.code(), "inspect shows what it can: " + r);
                    continue;
                }
                assertEquals(code, r.code(), String.join(" ", args) + "\n" + r);
                assertTrue(r.err().startsWith("recur: "), r.err());
                assertEquals(1, r.err().lines().count(), "one line: " + r.err());
                assertTrue(r.err().contains(fragment), "'" + fragment + "' in " + r.err());
                assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
                assertEquals("", r.out().trim());
            }
        });
    }

    private Path golden() throws Exception {
        return copyResource("/golden/" + GoldenFiles.ALL[0].name() + ".recur");
    }

    private Path rewrite(String name, ModelFile m) {
        Path f = dir.resolve(name);
        ModelFiles.write(f, m);
        return f;
    }

    @Test
    void truncatedRandomEmptyAndDirectoryFilesAreRejected() throws Exception {
        byte[] full = Files.readAllBytes(golden());
        for (int cut : new int[] {0, 5, 23, 24, 60, full.length / 3, full.length - 1}) {
            Path f = dir.resolve("cut-" + cut + ".recur");
            Files.write(f, Arrays.copyOf(full, cut));
            assertRejected(f, ExitCode.BAD_MODEL_FILE.code(), f.toString());
        }
        byte[] junk = new byte[4096];
        new SplittableRandom(1).nextBytes(junk);
        Path r = Files.write(dir.resolve("random.recur"), junk);
        assertRejected(r, ExitCode.BAD_MODEL_FILE.code(), "not a recur model file");
        assertRejected(dir, ExitCode.BAD_MODEL_FILE.code(), "is a directory");
        assertRejected(dir.resolve("missing.recur"), ExitCode.BAD_MODEL_FILE.code(), "no such file");
    }

    @Test
    void validHeadersAroundBadContentsAreRejected() throws Exception {
        ModelFile m = ModelFiles.read(golden());
        int e = m.getTensorsList().stream().map(Tensor::getName).toList().indexOf("E");
        int wh = m.getTensorsList().stream().map(Tensor::getName).toList().indexOf("W_h");

        // absurd sizes: a spec that declares a huge model the file cannot hold
        ModelFile absurd = m.toBuilder().setSpec(m.getSpec().toBuilder().setHiddenSize(60000).setEmbeddingSize(60000)).build();
        assertRejected(rewrite("absurd.recur", absurd), ExitCode.BAD_MODEL_FILE.code(), "tensor 'E' has shape");

        // wrong tensor shape (same number of values, transposed shape)
        Tensor t = m.getTensors(e);
        ModelFile wrong = m.toBuilder().setTensors(e, t.toBuilder().clearShape()
                .addShape(t.getShape(1)).addShape(t.getShape(0))).build();
        assertRejected(rewrite("shape.recur", wrong), ExitCode.BAD_MODEL_FILE.code(), "tensor 'E' has shape");

        // NaN weight
        Tensor w = m.getTensors(wh);
        byte[] data = w.getData().toByteArray();
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(4, Float.NaN);
        ModelFile nan = m.toBuilder().setTensors(wh, w.toBuilder().setData(ByteString.copyFrom(data))).build();
        assertRejected(rewrite("nan.recur", nan), ExitCode.BAD_MODEL_FILE.code(), "non-finite value (element 1 is NaN)");

        // a missing tensor
        ModelFile lacking = m.toBuilder().removeTensors(wh).build();
        assertRejected(rewrite("lacking.recur", lacking), ExitCode.BAD_MODEL_FILE.code(), "W_h", false);

        // a cell that is not on the classpath
        ModelFile tcn = m.toBuilder().setSpec(m.getSpec().toBuilder().setCell("tcn")).build();
        assertRejected(rewrite("tcn.recur", tcn), ExitCode.MISSING_PLUGIN.code(),
                "needs cell 'tcn', which is not on the classpath; available: elman, gru, lstm", false);
        // a cell that exists but whose tensors do not fit the file
        ModelFile lstm = m.toBuilder().setSpec(m.getSpec().toBuilder().setCell("lstm").clearCellOptions()).build();
        assertRejected(rewrite("lstm.recur", lstm), ExitCode.BAD_MODEL_FILE.code(), "lacks tensor 'W_ih'", false);

        // an invalid cell option stored in the file
        ModelFile opt = m.toBuilder().setSpec(m.getSpec().toBuilder().putCellOptions("activation", "softsign")).build();
        assertRejected(rewrite("opt.recur", opt), ExitCode.BAD_MODEL_FILE.code(), "softsign", false);
    }
}
