package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.recur.io.ModelFiles;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.ModelWorkspace;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.Parameter;
import dev.recur.spi.Providers;
import dev.recur.text.Vocabulary;
import dev.recur.text.WordTokenizer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code recur export --format onnx}: the file is run by ONNX Runtime and its logits and states match recur's
 * over a sequence and its continuation (max abs error 1e-4) for every cell, activation, stacking, tying and
 * output layer.
 */
class OnnxExportTest {

    static final long SEED = 17L;
    static final String TEXT = """
            the cat sat on the mat and the dog sat on the log
            a bird flew over the house while a fish swam in the pond
            one two three four five six seven eight nine ten
            """;
    static final int SEQ = 7;
    static final int BATCH = 3;

    @TempDir
    static Path dir;
    static OrtEnvironment env;
    static Providers providers;

    @BeforeAll
    static void start() {
        env = OrtEnvironment.getEnvironment();
        providers = Providers.load();
    }

    @AfterAll
    static void stop() {
        // the environment is a process-wide singleton that ONNX Runtime closes at exit
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("elman", Map.of("activation", "tanh"), 1, false, "softmax", Map.of()),
                Arguments.of("elman", Map.of("activation", "sigmoid"), 1, false, "softmax", Map.of()),
                Arguments.of("elman", Map.of("activation", "relu"), 2, false, "softmax", Map.of()),
                Arguments.of("elman", Map.of("activation", "identity"), 1, false, "softmax", Map.of()),
                Arguments.of("elman", Map.of("activation", "tanh"), 1, true, "softmax", Map.of()),
                Arguments.of("lstm", Map.of(), 1, false, "softmax", Map.of()),
                Arguments.of("lstm", Map.of(), 2, true, "softmax", Map.of()),
                Arguments.of("gru", Map.of(), 1, false, "softmax", Map.of()),
                Arguments.of("gru", Map.of(), 2, false, "softmax", Map.of()),
                Arguments.of("elman", Map.of("activation", "tanh"), 1, false, "adaptive", Map.of("cutoffs", "6,14")),
                Arguments.of("gru", Map.of(), 1, false, "adaptive", Map.of("cutoffs", "5,12,20", "head-bias", "false")),
                Arguments.of("elman", Map.of("activation", "tanh"), 1, false, "class", Map.of("classes", "5")),
                Arguments.of("lstm", Map.of(), 1, true, "class", Map.of("classes", "4")));
    }

    /** Saves a model with random weights U(−0.6, 0.6) (init weights are too gentle to test much). */
    static Path save(String cell, Map<String, String> cellOptions, int layers, boolean tied, String output,
                     Map<String, String> outputOptions, String name) {
        WordTokenizer tok = new WordTokenizer();
        Vocabulary v = tok.buildVocabulary(TEXT);
        int h = 8;
        ModelSpec spec = new ModelSpec(cell, cellOptions, v.size(), tied ? h : 5, h, layers, 0, tied, output,
                outputOptions);
        RnnLanguageModel net = RnnLanguageModel.create(spec, providers.cells().get(cell), providers.outputs().get(output),
                v.counts(), SEED, Kernels.get());
        SplittableRandom r = new SplittableRandom(SEED);
        for (Parameter p : net.parameters()) {
            float[] x = p.value();
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 1.2 - 0.6);
            }
        }
        Path file = dir.resolve(name + ".recur");
        ModelFiles.save(file, new LanguageModel(net, tok, v), Map.of("optimizer", "adam {}", "steps", "42"));
        return file;
    }

    @ParameterizedTest(name = "{0} {1} x{2} tied={3} {4} {5}")
    @MethodSource("models")
    void onnxRuntimeComputesRecursLogitsAndStates(String cell, Map<String, String> cellOptions, int layers,
                                                  boolean tied, String output, Map<String, String> outputOptions)
            throws Exception {
        String name = cell + cellOptions.values() + layers + tied + output + outputOptions.size();
        Path file = save(cell, cellOptions, layers, tied, output, outputOptions, name.replaceAll("[^A-Za-z0-9]", "_"));
        Path onnx = dir.resolve(file.getFileName() + ".onnx");
        CliRunner.Result r = CliRunner.run("export", "--format", "onnx", "--model", file.toString(), "--out",
                onnx.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("exported"), r.toString());

        LanguageModel lm = ModelFiles.load(file, providers, Kernels.get());
        RnnLanguageModel net = lm.network();
        int v = net.vocabSize();
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        long[] tokens = new long[2 * SEQ * BATCH];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(v);
        }
        // recur, one step at a time: logits after every token, state carried
        ModelWorkspace ws = net.newWorkspace(BATCH, 1);
        float[] state = net.newState(BATCH);
        float[] expected = new float[2 * SEQ * BATCH * v];
        float[] logits = new float[BATCH * v];
        int[] step = new int[BATCH];
        float[] stateAfterFirst = null;
        for (int t = 0; t < 2 * SEQ; t++) {
            for (int b = 0; b < BATCH; b++) {
                step[b] = (int) tokens[t * BATCH + b];
            }
            net.logitsAfter(ws, 1, step, state, state, logits);
            System.arraycopy(logits, 0, expected, t * BATCH * v, BATCH * v);
            if (t == SEQ - 1) {
                stateAfterFirst = state.clone();
            }
        }
        boolean lstm = cell.equals("lstm");
        int h = net.hiddenSize();
        try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            assertEquals(ModelFiles.LIBRARY_VERSION, meta.get("recur.version"));
            assertTrue(meta.get("recur.spec").contains("\"cell\":\"" + cell + "\""), meta.toString());
            assertEquals("42", meta.get("recur.training.steps"), meta.toString());
            List<String> vocab = new com.google.gson.Gson().fromJson(meta.get("recur.vocabulary"),
                    new com.google.gson.reflect.TypeToken<List<String>>() { }.getType());
            assertEquals(lm.vocabulary().tokens(), vocab, "the vocabulary in id order");
            assertEquals("recur", s.getMetadata().getProducerName());

            float[][] states = new float[layers * (lstm ? 2 : 1)][BATCH * h];
            for (int half = 0; half < 2; half++) {
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("tokens", OnnxTensor.createTensor(env, LongBuffer.wrap(tokens, half * SEQ * BATCH, SEQ * BATCH),
                        new long[] {SEQ, BATCH}));
                for (int l = 0; l < layers; l++) {
                    in.put("h0_" + l, OnnxTensor.createTensor(env, FloatBuffer.wrap(states[l * (lstm ? 2 : 1)]),
                            new long[] {1, BATCH, h}));
                    if (lstm) {
                        in.put("c0_" + l, OnnxTensor.createTensor(env, FloatBuffer.wrap(states[2 * l + 1]),
                                new long[] {1, BATCH, h}));
                    }
                }
                try (OrtSession.Result res = s.run(in)) {
                    float[] got = floats((OnnxTensor) res.get("logits").orElseThrow());
                    assertEquals(SEQ * BATCH * v, got.length);
                    double maxErr = 0;
                    for (int i = 0; i < got.length; i++) {
                        maxErr = Math.max(maxErr, Math.abs(got[i] - expected[half * SEQ * BATCH * v + i]));
                    }
                    assertTrue(maxErr <= 1e-4, name + " half " + half + ": max abs error " + maxErr + ", seed " + SEED);
                    for (int l = 0; l < layers; l++) {
                        states[l * (lstm ? 2 : 1)] = floats((OnnxTensor) res.get("h_" + l).orElseThrow());
                        if (lstm) {
                            states[2 * l + 1] = floats((OnnxTensor) res.get("c_" + l).orElseThrow());
                        }
                    }
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
                if (half == 0) {
                    // ONNX's state after the first half is recur's: [layer][batch × (h | c)]
                    int off = 0;
                    for (int l = 0; l < layers; l++) {
                        int ss = lstm ? 2 * h : h;
                        for (int b = 0; b < BATCH; b++) {
                            for (int j = 0; j < h; j++) {
                                assertEquals(stateAfterFirst[off + b * ss + j], states[l * (lstm ? 2 : 1)][b * h + j],
                                        1e-5, "h of layer " + l);
                                if (lstm) {
                                    assertEquals(stateAfterFirst[off + b * ss + h + j], states[2 * l + 1][b * h + j],
                                            1e-5, "c of layer " + l);
                                }
                            }
                        }
                        off += BATCH * ss;
                    }
                }
            }
        }
    }

    static float[] floats(OnnxTensor t) {
        FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void anUnknownFormatOrAMissingModelIsAOneLineError() throws Exception {
        Path file = save("elman", Map.of("activation", "tanh"), 1, false, "softmax", Map.of(), "plain");
        Path onnx = dir.resolve("never.onnx");
        CliRunner.Result r = CliRunner.run("export", "--format", "tflite", "--model", file.toString(), "--out",
                onnx.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--format must be onnx"), r.toString());
        r = CliRunner.run("export", "--model", dir.resolve("missing.recur").toString(), "--out", onnx.toString());
        assertEquals(4, r.code(), r.toString());
        assertFalse(Files.exists(onnx));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), List.of(dir).toString());
        }
    }
}
