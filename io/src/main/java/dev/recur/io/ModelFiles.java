package dev.recur.io;

import dev.recur.io.ModelFileException.Kind;
import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.Tensor;
import dev.recur.io.proto.TokenizerSpec;
import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.Regularization;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.CellProvider;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.spi.Parameter;
import dev.recur.spi.ProviderRegistry;
import dev.recur.spi.Providers;
import dev.recur.spi.UnknownProviderException;
import dev.recur.text.Tokenizer;
import dev.recur.text.Tokenizers;
import dev.recur.text.Vocabulary;
import dev.recur.text.WordTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Reads and writes recur model and checkpoint files (format {@value #FORMAT_VERSION}; see
 * {@code recur_model.proto}).
 *
 * <p>Reading validates before it allocates: the header (magic, format version, payload length against the
 * file's size, CRC-32) before parsing; sizes against sane caps; every tensor's shape against the spec; every
 * value finite. Any problem is a {@link ModelFileException} with a one-line message. Writing is atomic: a
 * temporary file in the same directory, flushed and fsync'ed, then renamed over the target, so a crash
 * during a save leaves the previous file intact.
 */
public final class ModelFiles {

    /** The format this version writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    /** The library version written into files. */
    public static final String LIBRARY_VERSION = "0.1.0";
    static final byte[] MAGIC = "RECURMDL".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 24;
    /** Largest file accepted (a Java array holds the payload). */
    static final long MAX_FILE = Integer.MAX_VALUE - 64;
    static final int MAX_VOCAB = 10_000_000;
    static final int MAX_WIDTH = 1 << 16;

    private ModelFiles() {
    }

    // ------------------------------------------------------------------------------------------ write

    /** Builds the message for a model (no checkpoint part). */
    public static ModelFile.Builder toMessage(LanguageModel lm) {
        if (lm.network().weightFormat() != dev.recur.math.WeightFormat.FP32) {
            throw new IllegalStateException("this model's weights were rounded to " + lm.network().weightFormat().id()
                    + " when it was loaded; model files keep fp32, save the model it was loaded from");
        }
        RnnLanguageModel net = lm.network();
        ModelSpec spec = net.spec();
        if (spec == null) {
            throw new IllegalArgumentException("the model was built around a plain cell object and has no ModelSpec; "
                    + "build it with RnnLanguageModel.create(spec, provider, ...) to save it");
        }
        ModelFile.Builder b = ModelFile.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setLibraryVersion(LIBRARY_VERSION)
                .setCreatedUnixMs(System.currentTimeMillis())
                .setSpec(dev.recur.io.proto.ModelSpec.newBuilder()
                        .setCell(spec.cell()).putAllCellOptions(spec.cellOptions())
                        .setVocabSize(spec.vocabSize()).setEmbeddingSize(spec.embeddingSize())
                        .setHiddenSize(spec.hiddenSize()).setOutputLayer(spec.output())
                        .putAllOutputOptions(spec.outputOptions())
                        .setLayers(spec.layers()).setDropout(spec.dropout()).setTieWeights(spec.tieWeights())
                        .setRegularization(regularization(spec.regularization())));
        TokenizerSpec.Builder t = TokenizerSpec.newBuilder().setLevel(lm.tokenizer().level())
                .addAllTokens(lm.vocabulary().tokens());
        long[] counts = lm.vocabulary().counts();
        if (counts != null) {
            for (long c : counts) {
                t.addCounts(c);
            }
        }
        if (lm.tokenizer() instanceof WordTokenizer w) {
            t.setMinCount(w.minCount()).setMaxVocabulary(w.maxVocabulary());
        }
        b.setTokenizer(t);
        for (Parameter p : net.parameters()) {
            b.addTensors(Tensors.of(p.name(), p.shape(), p.value()));
        }
        return b;
    }

    /** Saves a model atomically. */
    public static void save(Path file, LanguageModel lm) {
        write(file, toMessage(lm).build());
    }

    /**
     * Saves a model atomically with a description of how it was trained ({@code recur inspect}, the server's
     * model listing and exports show it).
     *
     * @param file the model file
     * @param lm the model
     * @param training how it was trained: names (e.g. {@code optimizer}, {@code steps}) to values
     */
    public static void save(Path file, LanguageModel lm, Map<String, String> training) {
        write(file, toMessage(lm).putAllTraining(training).build());
    }

    /** Writes a message atomically (header + payload). */
    public static void write(Path file, ModelFile message) {
        writeAtomically(file, message.toByteArray(), -1);
    }

    /**
     * The atomic write. {@code failAfterBytes} ≥ 0 simulates a crash (an I/O error) after that many payload
     * bytes were written — for tests.
     */
    static void writeAtomically(Path file, byte[] payload, long failAfterBytes) {
        writeAtomically(file, payload, failAfterBytes, true);
    }

    /**
     * The atomic write, with recur's header ({@code header}) or the payload alone (files of other formats,
     * e.g. an ONNX export).
     */
    static void writeAtomically(Path file, byte[] payload, long failAfterBytes, boolean withHeader) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw new ModelFileException(Kind.WRITE_FAILED, file + ": is a directory");
        }
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            removeStaleTemporaries(dir, target.getFileName().toString());
            tmp = Files.createTempFile(dir, tempPrefix(target.getFileName().toString(), ProcessHandle.current().pid()),
                    ".tmp");
            try {
                // createTempFile makes the file owner-only; a model file is an ordinary document
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException | IOException ignored) {
                // not a POSIX file system
            }
            CRC32 crc = new CRC32();
            crc.update(payload);
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            header.put(MAGIC).putInt(FORMAT_VERSION).putLong(payload.length).putInt((int) crc.getValue()).flip();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                while (withHeader && header.hasRemaining()) {
                    ch.write(header);
                }
                ByteBuffer body = ByteBuffer.wrap(payload);
                int chunk = 1 << 20;
                while (body.hasRemaining()) {
                    if (failAfterBytes >= 0 && body.position() >= failAfterBytes) {
                        throw new IOException("simulated crash after " + body.position() + " bytes");
                    }
                    ByteBuffer slice = body.slice();
                    int n = (int) Math.min(chunk, Math.min(slice.remaining(),
                            failAfterBytes >= 0 ? Math.max(1, failAfterBytes - body.position()) : Long.MAX_VALUE));
                    slice.limit(n);
                    int w = ch.write(slice);
                    body.position(body.position() + w);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // directories cannot be fsync'ed on every platform
            }
        } catch (IOException e) {
            throw new ModelFileException(Kind.WRITE_FAILED, file + ": cannot write: " + e.getMessage()
                    + " (any previous file is unchanged)", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /** {@code .NAME.<pid>.} — a temporary file's name says which process writes it. */
    static String tempPrefix(String name, long pid) {
        return "." + name + "." + pid + ".";
    }

    /**
     * Deletes the temporary files that earlier writers of {@code name} left behind when they were killed
     * ({@code .NAME.<pid>.<random>.tmp} of a process that no longer runs, and {@code .NAME.<random>.tmp} of
     * recur versions before the pid was in the name), so they do not pile up one per kill. A live process's
     * temporary file is never touched. Best effort: a file that cannot be listed or deleted is left.
     */
    static void removeStaleTemporaries(Path dir, String name) {
        String prefix = "." + name + ".";
        try (var files = Files.newDirectoryStream(dir, f -> {
            String n = f.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp");
        })) {
            for (Path f : files) {
                String middle = f.getFileName().toString().substring(prefix.length());
                int dot = middle.indexOf('.');
                long pid = -1;
                if (dot > 0) {
                    try {
                        pid = Long.parseLong(middle.substring(0, dot));
                    } catch (NumberFormatException e) {
                        pid = -1; // a temporary of an older version: no pid in its name
                    }
                }
                boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException ignored) {
            // best effort: the write itself reports real I/O problems
        }
    }

    // ------------------------------------------------------------------------------------------- read

    /**
     * Reads and structurally validates a file: header, CRC, protobuf, caps, tensor sizes. Does not build a
     * model (see {@link #load}).
     */
    public static ModelFile read(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw bad(name, "is a directory, expected a recur model file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw bad(name, "no such file");
        } catch (IOException e) {
            throw bad(name, "cannot read: " + e.getMessage());
        }
        if (size < HEADER) {
            throw bad(name, size == 0 ? "is empty, expected a recur model file"
                    : "is too short (" + size + " bytes) to be a recur model file");
        }
        if (size > MAX_FILE) {
            throw bad(name, "is " + size + " bytes, more than the " + MAX_FILE + " a model file may have");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            throw bad(name, "permission denied");
        } catch (IOException e) {
            throw bad(name, "cannot read: " + e.getMessage());
        }
        ByteBuffer h = ByteBuffer.wrap(bytes, 0, HEADER).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        h.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw bad(name, "is not a recur model file (bad magic bytes)");
        }
        int version = h.getInt();
        if (version < 1 || version > FORMAT_VERSION) {
            throw bad(name, "has format version " + Integer.toUnsignedString(version) + "; this recur reads versions 1 to "
                    + FORMAT_VERSION);
        }
        long payload = h.getLong();
        if (payload != bytes.length - HEADER) {
            throw bad(name, payload > bytes.length - HEADER
                    ? "is truncated: the header declares " + payload + " payload bytes, the file has " + (bytes.length - HEADER)
                    : "has " + (bytes.length - HEADER - payload) + " unexpected bytes after its payload");
        }
        int crcExpected = h.getInt();
        CRC32 crc = new CRC32();
        crc.update(bytes, HEADER, (int) payload);
        if ((int) crc.getValue() != crcExpected) {
            throw bad(name, "is corrupt (CRC-32 mismatch)");
        }
        ModelFile m;
        try {
            m = ModelFile.parseFrom(ByteBuffer.wrap(bytes, HEADER, (int) payload));
        } catch (IOException | RuntimeException e) {
            throw bad(name, "is corrupt (" + e.getMessage() + ")");
        }
        validate(name, m);
        return m;
    }

    static void validate(String name, ModelFile m) {
        if (m.getFormatVersion() != 0 && m.getFormatVersion() > FORMAT_VERSION) {
            throw bad(name, "declares format version " + m.getFormatVersion() + " in its payload");
        }
        if (!m.hasSpec()) {
            throw bad(name, "has no model spec");
        }
        var s = m.getSpec();
        cap(name, "vocab_size", s.getVocabSize(), 2, MAX_VOCAB);
        cap(name, "embedding_size", s.getEmbeddingSize(), 1, MAX_WIDTH);
        cap(name, "hidden_size", s.getHiddenSize(), 1, MAX_WIDTH);
        if (!ProviderRegistry.VALID_NAME.matcher(s.getOutputLayer()).matches()) {
            throw bad(name, "names an invalid output layer '" + s.getOutputLayer() + "'");
        }
        if (!ProviderRegistry.VALID_NAME.matcher(s.getCell()).matches()) {
            throw bad(name, "names an invalid cell '" + s.getCell() + "'");
        }
        var t = m.getTokenizer();
        if (!Tokenizers.LEVELS.contains(t.getLevel())) {
            throw bad(name, "has tokenizer level '" + t.getLevel() + "'; expected word or char");
        }
        if (t.getTokensCount() != s.getVocabSize()) {
            throw bad(name, "has " + t.getTokensCount() + " vocabulary tokens but vocab_size " + s.getVocabSize());
        }
        if (t.getCountsCount() != 0 && t.getCountsCount() != t.getTokensCount()) {
            throw bad(name, "has " + t.getCountsCount() + " token counts for " + t.getTokensCount() + " tokens");
        }
        for (int i = 0; i < t.getCountsCount(); i++) {
            if (t.getCounts(i) < 0) {
                throw bad(name, "has a negative count for token " + i);
            }
        }
        Set<String> names = new HashSet<>();
        for (Tensor x : m.getTensorsList()) {
            checkTensor(name, x, names);
            checkFinite(name, x);
        }
        // the embedding is known without any plugin: E [V x E] (the output layer's tensors are checked against
        // its provider when the model is built)
        cap(name, "layers", s.getLayers(), 0, 64);
        if (!(s.getDropout() >= 0 && s.getDropout() < 1)) {
            throw bad(name, "declares dropout " + s.getDropout() + ", expected 0 to below 1");
        }
        expectShape(name, m, "E", s.getVocabSize(), s.getEmbeddingSize());
        if (m.hasCheckpoint()) {
            Set<String> opt = new HashSet<>();
            for (Tensor x : m.getCheckpoint().getOptimizerTensorsList()) {
                checkTensor(name, x, opt);
            }
            Set<String> best = new HashSet<>();
            for (Tensor x : m.getCheckpoint().getBestWeightsList()) {
                checkTensor(name, x, best);
            }
            if (m.getCheckpoint().hasCarriedState()) {
                checkTensor(name, m.getCheckpoint().getCarriedState(), new HashSet<>());
            }
        }
    }

    private static void expectShape(String file, ModelFile m, String tensor, int... shape) {
        Tensor t = m.getTensorsList().stream().filter(x -> x.getName().equals(tensor)).findFirst().orElse(null);
        if (t == null) {
            throw bad(file, "lacks tensor '" + tensor + "'");
        }
        int[] actual = t.getShapeList().stream().mapToInt(Integer::intValue).toArray();
        if (!java.util.Arrays.equals(actual, shape)) {
            throw bad(file, "tensor '" + tensor + "' has shape " + t.getShapeList() + ", the spec needs "
                    + java.util.Arrays.toString(shape));
        }
    }

    private static void checkFinite(String file, Tensor x) {
        java.nio.FloatBuffer f = x.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0, n = f.remaining(); i < n; i++) {
            float v = f.get(i);
            if (!Float.isFinite(v)) {
                throw bad(file, "tensor '" + x.getName() + "' holds a non-finite value (element " + i + " is " + v + ")");
            }
        }
    }

    private static void checkTensor(String file, Tensor x, Set<String> names) {
        if (!names.add(x.getName())) {
            throw bad(file, "holds tensor '" + x.getName() + "' twice");
        }
        long n = Tensors.elements(x);
        if (n < 0) {
            throw bad(file, "tensor '" + x.getName() + "' has an invalid shape " + x.getShapeList());
        }
        if (x.getData().size() != n * 4) {
            throw bad(file, "tensor '" + x.getName() + "' of shape " + x.getShapeList() + " needs " + n * 4
                    + " bytes, the file holds " + x.getData().size());
        }
    }

    private static void cap(String file, String what, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw bad(file, "declares " + what + " " + v + ", expected " + lo + " to " + hi);
        }
    }

    static ModelFileException bad(String file, String what) {
        return new ModelFileException(Kind.BAD_FILE, file + ": " + what);
    }

    /**
     * Reads a file and rebuilds its model: the cell and the output layer come from {@code providers}; every
     * tensor must match the shape the spec gives and hold finite values.
     */
    public static LanguageModel load(Path file, Providers providers, MathKernels kernels) {
        return toModel(file.toString(), read(file), providers, kernels);
    }

    private static <P extends dev.recur.spi.Provider> P plugin(String file, ProviderRegistry<P> registry,
                                                                 String name) {
        try {
            return registry.get(name);
        } catch (UnknownProviderException e) {
            throw new ModelFileException(Kind.MISSING_PLUGIN, file + ": needs " + registry.kind() + " '" + name
                    + "', which is not on the classpath; available: " + String.join(", ", e.available())
                    + " (add the jar that provides it)");
        }
    }

    static dev.recur.io.proto.Regularization regularization(Regularization r) {
        return dev.recur.io.proto.Regularization.newBuilder().setInputDropout(r.inputDropout())
                .setHiddenDropout(r.hiddenDropout()).setOutputDropout(r.outputDropout()).setLocked(r.locked())
                .setEmbeddingDropout(r.embeddingDropout()).setWeightDrop(r.weightDrop()).setAr(r.ar()).setTar(r.tar())
                .build();
    }

    /**
     * The training-time regularisers a model file's spec records; a file written before they existed has plain
     * dropout only.
     *
     * @param s the spec message of a model file
     * @return the regularisers
     * @throws IllegalArgumentException when a recorded value is out of range
     */
    public static Regularization regularization(dev.recur.io.proto.ModelSpec s) {
        if (!s.hasRegularization()) {
            return Regularization.dropout(s.getDropout());
        }
        var r = s.getRegularization();
        return new Regularization(r.getInputDropout(), r.getHiddenDropout(), r.getOutputDropout(), r.getLocked(),
                r.getEmbeddingDropout(), r.getWeightDrop(), r.getAr(), r.getTar());
    }

    /** Rebuilds the model of an already validated message. */
    public static LanguageModel toModel(String name, ModelFile m, Providers providers, MathKernels kernels) {
        var s = m.getSpec();
        CellProvider provider = plugin(name, providers.cells(), s.getCell());
        // files written before output layers were plugins store "softmax" (or, the very first ones, nothing)
        String outputName = s.getOutputLayer().isEmpty() ? ModelSpec.OUTPUT_SOFTMAX : s.getOutputLayer();
        OutputLayerProvider outputProvider = plugin(name, providers.outputs(), outputName);
        ModelSpec spec;
        try {
            spec = new ModelSpec(s.getCell(), s.getCellOptionsMap(), s.getVocabSize(), s.getEmbeddingSize(),
                    s.getHiddenSize(), Math.max(1, s.getLayers()), regularization(s), s.getTieWeights(), outputName,
                    s.getOutputOptionsMap());
        } catch (IllegalArgumentException e) {
            throw bad(name, "has an invalid spec: " + e.getMessage());
        }
        Map<String, Tensor> byName = new HashMap<>();
        for (Tensor t : m.getTensorsList()) {
            byName.put(t.getName(), t);
        }
        // check the shapes the spec implies before allocating the model's big matrices
        long declared = 0;
        for (Tensor t : m.getTensorsList()) {
            declared += Tensors.elements(t);
        }
        long embedding = (long) s.getVocabSize() * s.getEmbeddingSize();
        long output;
        try {
            output = outputProvider.parameterCount(s.getHiddenSize(), s.getVocabSize(), s.getTieWeights(),
                    spec.outputOptions());
        } catch (IllegalArgumentException e) {
            throw bad(name, "has invalid output layer options: " + e.getMessage());
        }
        if (embedding + output > declared) {
            throw bad(name, "holds " + declared + " weights, fewer than the " + (embedding + output)
                    + " its spec needs for the embedding and the output layer alone");
        }
        RnnLanguageModel net;
        try {
            var tc = m.getTokenizer();
            long[] counts = tc.getCountsCount() == 0 ? null
                    : tc.getCountsList().stream().mapToLong(Long::longValue).toArray();
            net = RnnLanguageModel.create(spec, provider, outputProvider, counts, 0, kernels);
        } catch (IllegalArgumentException e) {
            throw bad(name, "has an invalid spec: " + e.getMessage());
        }
        if (byName.size() != net.parameters().size()) {
            throw bad(name, "holds tensors " + byName.keySet() + ", the model has " + names(net.parameters()));
        }
        for (Parameter p : net.parameters()) {
            Tensor t = byName.get(p.name());
            if (t == null) {
                throw bad(name, "lacks tensor '" + p.name() + "'");
            }
            if (!java.util.Arrays.equals(t.getShapeList().stream().mapToInt(Integer::intValue).toArray(), p.shape())) {
                throw bad(name, "tensor '" + p.name() + "' has shape " + t.getShapeList() + ", the spec needs "
                        + java.util.Arrays.toString(p.shape()));
            }
            String nonFinite = Tensors.copyFinite(t, p.value());
            if (nonFinite != null) {
                throw bad(name, "tensor '" + p.name() + "' holds a non-finite value (" + nonFinite + ")");
            }
        }
        var ts = m.getTokenizer();
        Vocabulary vocab;
        try {
            long[] counts = ts.getCountsCount() == 0 ? null
                    : ts.getCountsList().stream().mapToLong(Long::longValue).toArray();
            vocab = new Vocabulary(ts.getTokensList(), counts);
        } catch (IllegalArgumentException e) {
            throw bad(name, "has an invalid vocabulary: " + e.getMessage());
        }
        Tokenizer tok;
        try {
            tok = Tokenizers.of(ts.getLevel(), Math.max(1, ts.getMinCount()), ts.getMaxVocabulary());
        } catch (IllegalArgumentException e) {
            throw bad(name, "has invalid tokenizer settings: " + e.getMessage());
        }
        return new LanguageModel(net, tok, vocab);
    }

    private static List<String> names(List<Parameter> ps) {
        return ps.stream().map(Parameter::name).toList();
    }
}
