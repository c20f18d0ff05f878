package dev.recur.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.Checkpoints;
import dev.recur.io.ModelFiles;
import dev.recur.io.proto.ModelFile;
import dev.recur.math.Kernels;
import dev.recur.model.ModelSpec;
import dev.recur.optim.Adam;
import dev.recur.spi.Providers;
import dev.recur.text.CharTokenizer;
import dev.recur.text.TextFiles;
import dev.recur.text.Vocabulary;
import dev.recur.train.RunSpec;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainingRun;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library example of the README, read from README.md itself (the first {@code ```java} block after the
 * {@code <!-- library-example -->} marker), compiled against recur-core, recur-cells, recur-optim and
 * recur-io only (plus protobuf-java, which recur-io brings), and run in a class loader that sees nothing
 * else of recur — no CLI, no Guice, no samplers. It must train, checkpoint, resume and sample; its model
 * must be bit-identical to one uninterrupted run of the same steps.
 */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    static String example() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        int marker = text.indexOf("<!-- library-example -->");
        assertTrue(marker >= 0, "README.md has no <!-- library-example --> marker");
        int start = text.indexOf("```java\n", marker);
        int end = text.indexOf("```", start + 8);
        assertTrue(start > 0 && end > start, "no ```java block after the marker");
        return text.substring(start + 8, end);
    }

    private static Path location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void theReadmeExampleRunsOnTheFourLibraryModulesAlone() throws Exception {
        String code = example();
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : code.split("\n")) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String source = imports + "\npublic class ReadmeExample {\n"
                + "    public static Object[] run(java.nio.file.Path corpus, java.nio.file.Path checkpointFile,\n"
                + "                               java.nio.file.Path modelFile, StringBuilder sample) throws Exception {\n"
                + body + "\n        return new Object[] {result};\n    }\n}\n";
        Path src = dir.resolve("src/ReadmeExample.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<Path> cp = List.of(location(TrainingRun.class), location(dev.recur.cells.ElmanCellProvider.class),
                location(Adam.class), location(Checkpoints.class), location(com.google.protobuf.Message.class));
        for (Path p : cp) {
            String name = p.toString();
            assertFalse(name.contains("cli") || name.contains("guice") || name.contains("samplers"),
                    "the example's class path must hold only the four library modules: " + name);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        String classPath = String.join(java.io.File.pathSeparator, cp.stream().map(Path::toString).toList());
        boolean ok = javac.getTask(diagnostics, null, null, List.of("-classpath", classPath, "-d", classes.toString(),
                        "--release", "17", "-Xlint:none"), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(src.toFile())).call();
        assertTrue(ok, "the README example does not compile against core + cells + optim + io:\n" + diagnostics
                + "\n" + source);

        Path corpus = dir.resolve("input.txt");
        Files.writeString(corpus, "To be, or not to be, that is the question.\n".repeat(200));
        Path ckpt = dir.resolve("run.ckpt");
        Path model = dir.resolve("model.recur");
        StringBuilder sample = new StringBuilder();
        List<URL> urls = new ArrayList<>();
        urls.add(classes.toUri().toURL());
        for (Path p : cp) {
            urls.add(p.toUri().toURL());
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            Method run = loader.loadClass("ReadmeExample").getMethod("run", Path.class, Path.class, Path.class,
                    StringBuilder.class);
            Object[] out = (Object[]) run.invoke(null, corpus, ckpt, model, sample);
            assertNotNull(out[0]);
        }
        assertTrue(Files.exists(ckpt), "the example saves a checkpoint");
        assertTrue(Files.exists(model), "the example saves the model");
        assertTrue(sample.length() > 0, "the example samples text");

        // the resumed run of the README = one uninterrupted run of the same total steps, bit for bit
        var saved = ModelFiles.read(ckpt).getCheckpoint();
        CharTokenizer tok = new CharTokenizer();
        String text = TextFiles.readUtf8(corpus);
        Vocabulary vocab = tok.buildVocabulary(text);
        int[] ids = tok.encode(text, vocab);
        int cut = ids.length * 9 / 10;
        var settings = saved.getSettings();
        TrainerConfig cfg = TrainerConfig.defaults().withBatchSize(settings.getBatch()).withBptt(settings.getBptt())
                .withEpochs(settings.getEpochs()).withSeed(settings.getSeed()).withMaxSteps(finalSteps(code));
        ModelFile m = ModelFiles.read(model);
        ModelSpec spec = new ModelSpec(m.getSpec().getCell(), m.getSpec().getCellOptionsMap(), vocab.size(),
                m.getSpec().getEmbeddingSize(), m.getSpec().getHiddenSize());
        TrainingRun straight = TrainingRun.start(RunSpec.of(spec).withLearningRate(saved.getBaseLearningRate())
                .withTrainer(cfg), tok, vocab, Providers.load(), Kernels.get());
        straight.train(Arrays.copyOfRange(ids, 0, cut), Arrays.copyOfRange(ids, cut, ids.length));
        Path straightFile = dir.resolve("straight.recur");
        ModelFiles.save(straightFile, straight.model());
        ModelFile s = ModelFiles.read(straightFile);
        assertEquals(m.getTensorsCount(), s.getTensorsCount());
        for (int i = 0; i < m.getTensorsCount(); i++) {
            assertEquals(s.getTensors(i).getData(), m.getTensors(i).getData(),
                    "tensor " + m.getTensors(i).getName() + ": resumed run != uninterrupted run");
        }
    }

    /** The total steps of the example's resumed run: the argument of its last withMaxSteps(...). */
    private static long finalSteps(String code) {
        int i = code.lastIndexOf("withMaxSteps(");
        return Long.parseLong(code.substring(i + 13, code.indexOf(')', i)).trim());
    }

    @Test
    void theExampleNamesNoModuleBeyondTheFour() throws Exception {
        for (String line : example().split("\n")) {
            if (line.startsWith("import ")) {
                assertTrue(line.matches("import (dev\\.recur\\.(io|math|model|spi|text|train|cells|optim)|java)\\..*"),
                        "README example imports beyond core + cells + optim + io: " + line);
            }
        }
    }
}
