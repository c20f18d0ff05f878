package dev.recur.io;

import com.google.protobuf.ByteString;
import dev.recur.io.onnx.Onnx;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.Cell;
import dev.recur.spi.Parameter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Exports a model to ONNX (IR version 8, opset 17): the embedding as {@code Gather}, each recurrent layer as
 * ONNX's own {@code RNN}, {@code LSTM} or {@code GRU} operator, and the output layer as products,
 * {@code LogSoftmax}es, slices and a concatenation.
 *
 * <p>The graph, time-major like recur:
 * <ul>
 *   <li>inputs: {@code tokens} int64 [sequence, batch]; for each layer l (from 0), {@code h0_l} float
 *       [1, batch, H] (and {@code c0_l} for an LSTM): the state before the first token (zeros to start);</li>
 *   <li>outputs: {@code logits} float [sequence, batch, V], the next-token scores after each token (softmax
 *       of a row is the model's distribution; for the adaptive and class-based layers they are the exact
 *       log-probabilities), and {@code h_l} (and {@code c_l}): the state after the last token, to feed back
 *       for the next call.</li>
 * </ul>
 * Supported: the built-in cells ({@code elman} with every activation — identity as {@code Affine} with α = 1,
 * β = 0 —, {@code lstm}, {@code gru}), stacked layers, and the built-in output layers ({@code softmax}, also
 * tied, {@code adaptive}, {@code class}, also tied). The metadata carries recur's name and version, the model
 * spec, the tokenizer and vocabulary, and whatever the caller adds (e.g. how it was trained).
 */
public final class OnnxExport {

    /** The ONNX IR version written. */
    public static final int IR_VERSION = 8;
    /** The default-domain operator set the graph uses. */
    public static final int OPSET = 17;

    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private final List<Onnx.Node> nodes = new ArrayList<>();
    private final List<Onnx.Tensor> initializers = new ArrayList<>();
    private final Map<String, Integer> names = new LinkedHashMap<>();

    private OnnxExport() {
    }

    /**
     * Writes {@code lm} as an ONNX file, atomically (a temporary file renamed over {@code file}).
     *
     * @param file the .onnx file
     * @param lm the model
     * @param metadata extra metadata entries (after recur's own)
     * @throws IllegalArgumentException when the model has a cell or output layer the exporter does not know
     * @throws ModelFileException when the file cannot be written (any previous file is unchanged)
     */
    public static void write(Path file, LanguageModel lm, Map<String, String> metadata) {
        ModelFiles.writeAtomically(file, toOnnx(lm, metadata).toByteArray(), -1, false);
    }

    /**
     * The ONNX model of {@code lm}.
     *
     * @param lm the model
     * @param metadata extra metadata entries (after recur's own)
     * @return the ONNX model message
     * @throws IllegalArgumentException when the model has a cell or output layer the exporter does not know
     */
    public static Onnx.Model toOnnx(LanguageModel lm, Map<String, String> metadata) {
        Objects.requireNonNull(lm, "lm");
        RnnLanguageModel net = lm.network();
        ModelSpec spec = net.spec();
        if (spec == null) {
            throw new IllegalArgumentException("the model has no spec (built without providers): it cannot be exported");
        }
        OnnxExport x = new OnnxExport();
        Onnx.Graph.Builder g = Onnx.Graph.newBuilder().setName("recur_" + spec.cell() + "_lm");
        g.addInput(valueInfo("tokens", INT64, "sequence", "batch"));
        Parameter emb = net.parameter("E");
        x.initializer("E", emb);
        String in = x.node("Gather", List.of("E", "tokens"), Map.of("axis", 0L), "embedded");
        boolean lstm = spec.cell().equals("lstm");
        for (int l = 0; l < net.layers(); l++) {
            Cell cell = net.cells().get(l);
            int h = cell.hiddenSize();
            g.addInput(valueInfo("h0_" + l, FLOAT, "1", "batch", String.valueOf(h)));
            g.addOutput(valueInfo("h_" + l, FLOAT, "1", "batch", String.valueOf(h)));
            if (lstm) {
                g.addInput(valueInfo("c0_" + l, FLOAT, "1", "batch", String.valueOf(h)));
                g.addOutput(valueInfo("c_" + l, FLOAT, "1", "batch", String.valueOf(h)));
            }
            in = x.recurrentLayer(spec, cell, l, in);
        }
        String logits = x.outputLayer(net, spec, in);
        x.nodes.add(Onnx.Node.newBuilder().setOpType("Identity").addInput(logits).addOutput("logits")
                .setName("logits").build());
        g.addOutput(valueInfo("logits", FLOAT, "sequence", "batch", String.valueOf(net.vocabSize())));
        g.addAllNode(x.nodes).addAllInitializer(x.initializers);
        g.setDocString("recur language model: tokens [sequence, batch] (int64 ids, time-major) and the state before "
                + "them (h0_l" + (lstm ? ", c0_l" : "") + " per layer, zeros to start) -> logits [sequence, batch, V] "
                + "(softmax of a row = the next-token distribution) and the state after them (h_l" + (lstm ? ", c_l" : "")
                + ")");
        Onnx.Model.Builder m = Onnx.Model.newBuilder().setIrVersion(IR_VERSION).setProducerName("recur")
                .setProducerVersion(ModelFiles.LIBRARY_VERSION).setDomain("dev.recur").setModelVersion(1)
                .setGraph(g).addOpsetImport(Onnx.OpsetId.newBuilder().setDomain("").setVersion(OPSET));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("recur.version", ModelFiles.LIBRARY_VERSION);
        meta.put("recur.spec", specJson(spec));
        meta.put("recur.tokenizer", lm.tokenizer().level());
        meta.put("recur.vocabulary", jsonArray(lm.vocabulary().tokens()));
        if (metadata != null) {
            meta.putAll(metadata);
        }
        meta.forEach((k, v) -> m.addMetadataProps(Onnx.Entry.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    // --------------------------------------------------------------------------------------------- layers

    private String recurrentLayer(ModelSpec spec, Cell cell, int l, String in) {
        int h = cell.hiddenSize();
        int inSize = cell.inputSize();
        String p = "layer" + l + ".";
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("hidden_size", (long) h);
        String op;
        List<String> inputs = new ArrayList<>(List.of(in, p + "W", p + "R", p + "B", "", "h0_" + l));
        List<String> outputs = new ArrayList<>(List.of(p + "Y", "h_" + l));
        switch (spec.cell()) {
            case "elman" -> {
                op = "RNN";
                float[] we = param(cell, "W_e").value();
                float[] wh = param(cell, "W_h").value();
                float[] b1 = param(cell, "b1").value();
                tensor(p + "W", gates(we, inSize, h, new int[] {0}), 1, h, inSize);
                tensor(p + "R", gates(wh, h, h, new int[] {0}), 1, h, h);
                float[] b = new float[2 * h];
                System.arraycopy(b1, 0, b, 0, h);
                tensor(p + "B", b, 1, 2 * h);
                String act = spec.cellOptions().getOrDefault("activation", "tanh").toLowerCase(Locale.ROOT);
                switch (act) {
                    case "tanh" -> attrs.put("activations", List.of("Tanh"));
                    case "sigmoid" -> attrs.put("activations", List.of("Sigmoid"));
                    case "relu" -> attrs.put("activations", List.of("Relu"));
                    case "identity" -> {
                        attrs.put("activations", List.of("Affine"));
                        attrs.put("activation_alpha", new float[] {1f});
                        attrs.put("activation_beta", new float[] {0f});
                    }
                    default -> throw new IllegalArgumentException("the Elman activation " + act
                            + " has no ONNX RNN counterpart");
                }
            }
            case "lstm" -> {
                op = "LSTM";
                // recur's gate blocks are [i f g o]; ONNX's are [i o f c]
                int[] order = {0, 3, 1, 2};
                tensor(p + "W", gates(param(cell, "W_ih").value(), inSize, h, order), 1, 4 * h, inSize);
                tensor(p + "R", gates(param(cell, "W_hh").value(), h, h, order), 1, 4 * h, h);
                float[] b = new float[8 * h];
                float[] rb = param(cell, "b").value();
                for (int k = 0; k < 4; k++) {
                    System.arraycopy(rb, order[k] * h, b, k * h, h);
                }
                tensor(p + "B", b, 1, 8 * h);
                inputs.add("c0_" + l);
                outputs.add("c_" + l);
            }
            case "gru" -> {
                op = "GRU";
                // recur's gate blocks are [r z n] (PyTorch's); ONNX's are [z r h], with the reset gate applied
                // after the hidden product (linear_before_reset = 1), as in recur
                int[] order = {1, 0, 2};
                tensor(p + "W", gates(param(cell, "W_ih").value(), inSize, h, order), 1, 3 * h, inSize);
                tensor(p + "R", gates(param(cell, "W_hh").value(), h, h, order), 1, 3 * h, h);
                float[] b = new float[6 * h];
                float[] bi = param(cell, "b_ih").value();
                float[] bh = param(cell, "b_hh").value();
                for (int k = 0; k < 3; k++) {
                    System.arraycopy(bi, order[k] * h, b, k * h, h);
                    System.arraycopy(bh, order[k] * h, b, 3 * h + k * h, h);
                }
                tensor(p + "B", b, 1, 6 * h);
                attrs.put("linear_before_reset", 1L);
            }
            default -> throw new IllegalArgumentException("cannot export the cell '" + spec.cell()
                    + "' to ONNX: the exporter knows elman, lstm and gru");
        }
        nodes.add(node(op, p + op, inputs, outputs, attrs));
        // Y is [sequence, directions = 1, batch, H]: drop the directions axis for the next layer
        return node("Squeeze", List.of(p + "Y", constLongs(p + "squeeze_axes", 1)), Map.of(), p + "out");
    }

    private String outputLayer(RnnLanguageModel net, ModelSpec spec, String top) {
        boolean tied = spec.tieWeights();
        switch (spec.output()) {
            case "softmax" -> {
                String w = tied ? transposedEmbedding() : initializer("U", net.parameter("U"));
                String z = node("MatMul", List.of(top, w), Map.of(), "out.z");
                return node("Add", List.of(z, initializer("b2", net.parameter("b2"))), Map.of(), "out.logits");
            }
            case "adaptive" -> {
                int[] bounds = net.output().tokenGroups();
                int shortlist = bounds[1];
                String head = affine(top, net, "head.W", "head.b", "out.head");
                String headLp = node("LogSoftmax", List.of(head), Map.of("axis", -1L), "out.head_lp");
                List<String> parts = new ArrayList<>();
                parts.add(slice(headLp, 0, shortlist, "out.shortlist"));
                for (int c = 0; c + 2 < bounds.length; c++) {
                    String t = "tail" + (c + 1);
                    String proj = node("MatMul", List.of(top, initializer(t + ".P", net.parameter(t + ".P"))), Map.of(),
                            "out." + t + ".proj");
                    String z = node("MatMul", List.of(proj, initializer(t + ".W", net.parameter(t + ".W"))), Map.of(),
                            "out." + t + ".z");
                    parts.add(clusterLogProbs(z, headLp, shortlist + c, "out." + t));
                }
                return node("Concat", parts, Map.of("axis", -1L), "out.logprobs");
            }
            case "class" -> {
                int[] bounds = net.output().tokenGroups();
                String cls = affine(top, net, "class.W", "class.b", "out.class");
                String clsLp = node("LogSoftmax", List.of(cls), Map.of("axis", -1L), "out.class_lp");
                String w = tied ? transposedEmbedding() : initializer("word.U", net.parameter("word.U"));
                String z = node("MatMul", List.of(top, w), Map.of(), "out.word_z");
                String words = node("Add", List.of(z, initializer("word.b", net.parameter("word.b"))), Map.of(),
                        "out.words");
                List<String> parts = new ArrayList<>();
                for (int c = 0; c + 1 < bounds.length; c++) {
                    String zc = slice(words, bounds[c], bounds[c + 1], "out.class" + c + ".z");
                    parts.add(clusterLogProbs(zc, clsLp, c, "out.class" + c));
                }
                return node("Concat", parts, Map.of("axis", -1L), "out.logprobs");
            }
            default -> throw new IllegalArgumentException("cannot export the output layer '" + spec.output()
                    + "' to ONNX: the exporter knows softmax, adaptive and class");
        }
    }

    /** log softmax over a cluster's logits + the log-probability of the cluster itself (column {@code col}). */
    private String clusterLogProbs(String logits, String topLp, int col, String name) {
        String lp = node("LogSoftmax", List.of(logits), Map.of("axis", -1L), name + ".lp");
        String cluster = slice(topLp, col, col + 1, name + ".cluster_lp");
        return node("Add", List.of(lp, cluster), Map.of(), name + ".logprobs");
    }

    private String affine(String x, RnnLanguageModel net, String w, String b, String name) {
        String z = node("MatMul", List.of(x, initializer(w, net.parameter(w))), Map.of(), name + ".z");
        boolean hasBias = net.output().parameters().stream().anyMatch(p -> p.name().equals(b));
        return hasBias ? node("Add", List.of(z, initializer(b, net.parameter(b))), Map.of(), name + ".logits") : z;
    }

    private String slice(String x, int from, int to, String name) {
        return node("Slice", List.of(x, constLongs(name + ".from", from), constLongs(name + ".to", to),
                constLongs(name + ".axes", -1)), Map.of(), name);
    }

    /** Eᵀ [E × V] computed in the graph from the one copy of E (tied weights). */
    private String transposedEmbedding() {
        if (!names.containsKey("E_T")) {
            node("Transpose", List.of("E"), Map.of("perm", new long[] {1, 0}), "E_T");
        }
        return "E_T";
    }

    // -------------------------------------------------------------------------------------------- helpers

    private static Parameter param(Cell cell, String name) {
        return cell.parameters().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the cell has no parameter " + name));
    }

    /**
     * recur's [in × blocks·H] (x·W, gate blocks side by side) → ONNX's [blocks·H × in] in ONNX's block order:
     * ONNX block k is recur block {@code order[k]}, transposed.
     */
    static float[] gates(float[] w, int in, int h, int[] order) {
        int cols = order.length * h;
        float[] out = new float[cols * in];
        for (int k = 0; k < order.length; k++) {
            for (int j = 0; j < h; j++) {
                int src = order[k] * h + j;
                int dst = (k * h + j) * in;
                for (int i = 0; i < in; i++) {
                    out[dst + i] = w[i * cols + src];
                }
            }
        }
        return out;
    }

    private String initializer(String name, Parameter p) {
        if (!names.containsKey(name)) {
            long[] dims = new long[p.shape().length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = p.shape()[i];
            }
            tensor(name, p.value(), dims);
        }
        return name;
    }

    private void tensor(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        Onnx.Tensor.Builder t = Onnx.Tensor.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        names.put(name, names.size());
        initializers.add(t.build());
    }

    private String constLongs(String name, long... values) {
        if (!names.containsKey(name)) {
            ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            buf.asLongBuffer().put(values);
            initializers.add(Onnx.Tensor.newBuilder().setName(name).setDataType(INT64).addDims(values.length)
                    .setRawData(ByteString.copyFrom(buf.array())).build());
            names.put(name, names.size());
        }
        return name;
    }

    /** Adds a one-output node named after its output; returns the output's name. */
    private String node(String op, List<String> inputs, Map<String, Object> attrs, String output) {
        nodes.add(node(op, output, inputs, List.of(output), attrs));
        names.put(output, names.size());
        return output;
    }

    private static Onnx.Node node(String op, String name, List<String> inputs, List<String> outputs,
                                  Map<String, Object> attrs) {
        Onnx.Node.Builder n = Onnx.Node.newBuilder().setOpType(op).setName(name).addAllInput(inputs)
                .addAllOutput(outputs);
        attrs.forEach((k, v) -> n.addAttribute(attribute(k, v)));
        return n.build();
    }

    private static Onnx.Attribute attribute(String name, Object v) {
        Onnx.Attribute.Builder a = Onnx.Attribute.newBuilder().setName(name);
        if (v instanceof Long i) {
            a.setType(Onnx.Attribute.Type.INT).setI(i);
        } else if (v instanceof long[] is) {
            a.setType(Onnx.Attribute.Type.INTS);
            for (long i : is) {
                a.addInts(i);
            }
        } else if (v instanceof float[] fs) {
            a.setType(Onnx.Attribute.Type.FLOATS);
            for (float f : fs) {
                a.addFloats(f);
            }
        } else if (v instanceof List<?> ss) {
            a.setType(Onnx.Attribute.Type.STRINGS);
            for (Object s : ss) {
                a.addStrings(ByteString.copyFromUtf8(s.toString()));
            }
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported value " + v);
        }
        return a.build();
    }

    /** A tensor input or output; a dimension that is not a number is symbolic (e.g. "batch"). */
    private static Onnx.ValueInfo valueInfo(String name, int type, String... dims) {
        Onnx.Shape.Builder s = Onnx.Shape.newBuilder();
        for (String d : dims) {
            Onnx.Shape.Dimension.Builder dim = Onnx.Shape.Dimension.newBuilder();
            if (d.chars().allMatch(Character::isDigit)) {
                dim.setDimValue(Long.parseLong(d));
            } else {
                dim.setDimParam(d);
            }
            s.addDim(dim);
        }
        return Onnx.ValueInfo.newBuilder().setName(name).setType(Onnx.Type.newBuilder().setTensorType(
                Onnx.Type.TensorType.newBuilder().setElemType(type).setShape(s))).build();
    }

    private static String specJson(ModelSpec s) {
        return String.format(Locale.ROOT, "{\"cell\":%s,\"cell_options\":%s,\"vocab_size\":%d,\"embedding_size\":%d,"
                        + "\"hidden_size\":%d,\"layers\":%d,\"dropout\":%s,\"tie_weights\":%s,\"output\":%s,"
                        + "\"output_options\":%s}", quote(s.cell()), jsonObject(s.cellOptions()), s.vocabSize(),
                s.embeddingSize(), s.hiddenSize(), s.layers(), s.dropout(), s.tieWeights(), quote(s.output()),
                jsonObject(s.outputOptions()));
    }

    private static String jsonObject(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(quote(k)).append(':').append(quote(v)));
        return sb.append('}').toString();
    }

    private static String jsonArray(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (String s : items) {
            sb.append(sb.length() > 1 ? "," : "").append(quote(s));
        }
        return sb.append(']').toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
