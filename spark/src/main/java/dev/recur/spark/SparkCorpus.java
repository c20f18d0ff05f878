package dev.recur.spark;

import dev.recur.text.CorpusException;
import dev.recur.text.Tokenizer;
import dev.recur.text.Tokenizers;
import dev.recur.text.Vocabulary;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A corpus read, tokenised and sharded by Spark. The text is read as lines by the executors (any path Hadoop
 * reads: file:, hdfs:, s3a: …; each line is one line of the corpus followed by its newline, as {@code recur train}
 * reads it; strict UTF-8, a byte-order mark at the start skipped), the vocabulary is counted by a Spark job and
 * built by the tokenizer's own rule ({@link Tokenizer#vocabularyFromCounts}, the code {@code recur train} uses),
 * and the training token stream is cut into {@code workers} contiguous shards of equal length (the at most
 * {@code workers − 1} tokens left over at its end are not trained on), one Spark partition each.
 */
final class SparkCorpus {

    /** Prefix of the keys that carry a partition's token totals in the counting job (never a token: has a newline). */
    private static final String TOTALS = "\n#";

    private SparkCorpus() {
    }

    /** A tokenizer by its settings: what executors rebuild it from (tokenizers are not serialisable). */
    record TokenizerSpec(String level, int minCount, int maxVocab) implements java.io.Serializable {

        static TokenizerSpec of(Tokenizer t) {
            return t instanceof dev.recur.text.WordTokenizer w ? new TokenizerSpec("word", w.minCount(), w.maxVocabulary())
                    : new TokenizerSpec(t.level(), 1, 0);
        }

        Tokenizer tokenizer() {
            return Tokenizers.of(level, minCount, maxVocab);
        }
    }

    /**
     * The corpus, ready to train on.
     *
     * @param tokenizer     the tokenizer
     * @param vocabulary    its vocabulary, counted on the training text
     * @param shards        one partition per worker, each a single int[] of {@code shardLength} token ids (persisted)
     * @param shardLength   tokens per shard
     * @param trainTokens   tokens in the training text
     * @param valid         the validation token ids (collected on the driver)
     */
    record Prepared(Tokenizer tokenizer, Vocabulary vocabulary, JavaRDD<int[]> shards, int shardLength,
                    long trainTokens, int[] valid) {
    }

    /** The lines of {@code path}, decoded strictly as UTF-8 on the executors. */
    static JavaRDD<String> lines(JavaSparkContext sc, String path) {
        Configuration conf = new Configuration(sc.hadoopConfiguration());
        JavaPairRDD<LongWritable, Text> raw;
        try {
            raw = sc.newAPIHadoopFile(path, TextInputFormat.class, LongWritable.class, Text.class, conf);
            raw.partitions(); // lists the input now: a missing path is an error here, not inside a job
        } catch (Exception e) { // Hadoop's IOExceptions arrive unchecked through Scala
            if (e instanceof CorpusException c) {
                throw c;
            }
            throw new CorpusException(path + ": cannot be read (" + firstLine(e) + ")");
        }
        return ((JavaNewHadoopRDD<LongWritable, Text>) raw).mapPartitionsWithInputSplit((split, it) -> {
            String file = split instanceof FileSplit fs ? fs.getPath().toString() : path;
            CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return new Iterator<String>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public String next() {
                    Tuple2<LongWritable, Text> t = it.next();
                    long offset = t._1().get();
                    Text text = t._2();
                    byte[] b = text.getBytes();
                    int n = text.getLength();
                    int from = 0;
                    if (offset == 0 && n >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
                        from = 3; // a byte-order mark
                    }
                    try {
                        CharBuffer cb = dec.reset().decode(ByteBuffer.wrap(b, from, n - from));
                        return cb.toString();
                    } catch (CharacterCodingException e) {
                        throw new CorpusException(file + ": is not valid UTF-8 (at byte " + (offset + badByte(b, from, n))
                                + ")");
                    }
                }
            };
        }, true);
    }

    /** The index of the first byte of {@code b[from, n)} that does not decode. */
    private static int badByte(byte[] b, int from, int n) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, from, n - from);
        CharBuffer out = CharBuffer.allocate(n + 1);
        var r = dec.decode(in, out, true);
        return r.isError() ? in.position() : from;
    }

    /**
     * Reads, counts, encodes and shards a corpus.
     *
     * @param sc            the Spark context
     * @param corpus        the training text (any Hadoop path)
     * @param validPath     the validation text, or null to hold out the last {@code validFraction} of the corpus
     * @param validFraction the share held out (by characters, cut at a line start, as {@code recur train} does)
     * @param tokenizer     the tokenizer (level, cut-offs)
     * @param vocabulary    the vocabulary to use (a resumed run's), or null to count it on the training text
     * @param workers       shards
     */
    static Prepared prepare(JavaSparkContext sc, String corpus, String validPath, double validFraction,
                            TokenizerSpec tokenizer, Vocabulary vocabulary, int workers) {
        JavaRDD<String> lines = lines(sc, corpus);
        long cut;
        long[] charStart;
        if (validPath == null) {
            long[] chars = partitionChars(lines);
            long total = Arrays.stream(chars).sum();
            if (total == 0) {
                throw new CorpusException(corpus + ": is empty; a corpus needs text to train on");
            }
            cut = (long) (total * (1 - validFraction));
            charStart = prefix(chars);
        } else {
            cut = Long.MAX_VALUE;
            charStart = new long[lines.getNumPartitions()];
        }
        Counted counted = count(sc, lines, cut, tokenizer, charStart);
        Vocabulary vocab = vocabulary != null ? vocabulary : counted.vocabulary;
        if (counted.trainTokens == 0 || (tokenizer.level().equals("word") && counted.trainTokens == counted.lines)) {
            throw new CorpusException(corpus + ": has no " + (counted.trainTokens == 0 ? "text" : "words")
                    + " to train on");
        }
        long shardLength = counted.trainTokens / workers;
        if (shardLength > Integer.MAX_VALUE - 16) {
            throw new CorpusException(corpus + ": " + counted.trainTokens + " training tokens make shards of "
                    + shardLength + " tokens; a shard holds at most " + (Integer.MAX_VALUE - 16) + ": use at least "
                    + (counted.trainTokens / (Integer.MAX_VALUE - 16) + 1) + " workers");
        }
        Broadcast<List<String>> vb = sc.broadcast(new ArrayList<>(vocab.tokens()));
        Broadcast<long[]> vc = sc.broadcast(vocab.counts());
        JavaPairRDD<Integer, Tuple2<Long, int[]>> pieces = encode(lines, cut, charStart, tokenizer, vb, vc,
                counted.trainStart,
                counted.validStart, shardLength, workers).persist(StorageLevel.MEMORY_AND_DISK_SER());
        JavaRDD<int[]> shards = pieces.filter(t -> t._1() >= 0).partitionBy(new HashPartitioner(workers))
                .mapPartitionsWithIndex((w, it) -> List.of(concat(it, (int) shardLength, "shard " + w)).iterator(), true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        shards.count();
        int[] valid;
        if (validPath == null) {
            valid = concat(pieces.filter(t -> t._1() < 0).collect().iterator(), -1, "validation");
        } else {
            valid = encodeAll(sc, validPath, tokenizer, vb, vc);
        }
        pieces.unpersist(false);
        if (valid.length == 0) {
            throw new CorpusException(validPath != null ? validPath + ": is empty"
                    : corpus + ": too few lines to hold out a validation part; give --valid FILE");
        }
        return new Prepared(tokenizer.tokenizer(), vocab, shards, (int) shardLength, counted.trainTokens, valid);
    }

    /** All the token ids of {@code path} (a validation or test text), in order, collected on the driver. */
    static int[] encodeAll(JavaSparkContext sc, String path, TokenizerSpec spec, Broadcast<List<String>> vb,
                           Broadcast<long[]> vc) {
        JavaRDD<String> lines = lines(sc, path);
        JavaRDD<Tuple2<Long, int[]>> parts = lines.mapPartitionsWithIndex((p, it) -> {
            Vocabulary v = new Vocabulary(vb.value(), vc.value());
            Tokenizer tokenizer = spec.tokenizer();
            List<int[]> out = new ArrayList<>();
            int n = 0;
            while (it.hasNext()) {
                int[] ids = tokenizer.encode(it.next() + "\n", v);
                out.add(ids);
                n += ids.length;
            }
            int[] all = new int[n];
            int at = 0;
            for (int[] ids : out) {
                System.arraycopy(ids, 0, all, at, ids.length);
                at += ids.length;
            }
            return List.of(new Tuple2<>((long) p, all)).iterator();
        }, true);
        return join(new ArrayList<>(parts.collect()), -1, path);
    }

    /** Broadcasts of a vocabulary, for {@link #encodeAll}. */
    static Tuple2<Broadcast<List<String>>, Broadcast<long[]>> broadcast(JavaSparkContext sc, Vocabulary v) {
        return new Tuple2<>(sc.broadcast(new ArrayList<>(v.tokens())), sc.broadcast(v.counts()));
    }

    /** What the counting job found. */
    private record Counted(Vocabulary vocabulary, long trainTokens, long lines, long[] trainStart, long[] validStart) {
    }

    /**
     * Counts the tokens of the training lines (those starting at or before character {@code cut}) by a Spark
     * job: per token its count and first appearance (partition, ordinal), per partition its training and
     * validation token totals (under keys no token can have).
     */
    private static Counted count(JavaSparkContext sc, JavaRDD<String> lines, long cut, TokenizerSpec spec,
                                 long[] charStart) {
        int parts = lines.getNumPartitions();
        Broadcast<long[]> starts = sc.broadcast(charStart);
        Map<String, long[]> counts = lines.mapPartitionsWithIndex((p, it) -> {
            Tokenizer tokenizer = spec.tokenizer();
            Map<String, long[]> m = new LinkedHashMap<>();
            long offset = starts.value()[p];
            long train = 0;
            long valid = 0;
            long nLines = 0;
            long[] ord = {0};
            while (it.hasNext()) {
                String line = it.next();
                boolean isTrain = offset <= cut;
                offset += line.length() + 1;
                nLines += isTrain ? 1 : 0;
                long[] n = {0};
                final long base = ((long) p << 40);
                tokenizer.tokens(line + "\n", t -> {
                    n[0]++;
                    if (isTrain) {
                        long[] c = m.get(t);
                        if (c == null) {
                            m.put(t, new long[] {1, base | ord[0]});
                        } else {
                            c[0]++;
                        }
                        ord[0]++;
                    }
                });
                if (isTrain) {
                    train += n[0];
                } else {
                    valid += n[0];
                }
            }
            m.put(TOTALS + "t" + p, new long[] {train, 0});
            m.put(TOTALS + "v" + p, new long[] {valid, 0});
            m.put(TOTALS + "l" + p, new long[] {nLines, 0});
            List<Tuple2<String, long[]>> out = new ArrayList<>(m.size());
            m.forEach((k, v) -> out.add(new Tuple2<>(k, v)));
            return out.iterator();
        }, true).mapToPair(t -> t).reduceByKey((a, b) -> new long[] {a[0] + b[0], Math.min(a[1], b[1])})
                .collectAsMap();
        long[] train = new long[parts];
        long[] valid = new long[parts];
        long nLines = 0;
        List<Map.Entry<String, long[]>> tokens = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(TOTALS)) {
                int p = Integer.parseInt(k.substring(TOTALS.length() + 1));
                switch (k.charAt(TOTALS.length())) {
                    case 't' -> train[p] = e.getValue()[0];
                    case 'v' -> valid[p] = e.getValue()[0];
                    default -> nLines += e.getValue()[0];
                }
            } else {
                tokens.add(e);
            }
        }
        tokens.sort(Comparator.comparingLong(e -> e.getValue()[1]));
        List<String> order = new ArrayList<>(tokens.size());
        long[] c = new long[tokens.size()];
        for (int i = 0; i < c.length; i++) {
            order.add(tokens.get(i).getKey());
            c[i] = tokens.get(i).getValue()[0];
        }
        long trainTokens = Arrays.stream(train).sum();
        Vocabulary v = trainTokens == 0 ? null : spec.tokenizer().vocabularyFromCounts(order, c);
        return new Counted(v, trainTokens, nLines, prefix(train), prefix(valid));
    }

    private static long[] partitionChars(JavaRDD<String> lines) {
        return perPartition(lines.mapPartitionsWithIndex((p, it) -> {
            long c = 0;
            while (it.hasNext()) {
                c += it.next().length() + 1;
            }
            return List.of(new Tuple2<>(p, c)).iterator();
        }, true).collect(), lines.getNumPartitions());
    }

    /** Each line's ids: training ids cut into shard pieces (key = shard), validation ids under key −1. */
    private static JavaPairRDD<Integer, Tuple2<Long, int[]>> encode(JavaRDD<String> lines, long cut, long[] charStart,
                                                                    TokenizerSpec spec, Broadcast<List<String>> vb,
                                                                    Broadcast<long[]> vc, long[] trainStart,
                                                                    long[] validStart, long shardLength, int workers) {
        long limit = shardLength * workers;
        return lines.mapPartitionsWithIndex((p, it) -> {
            Vocabulary v = new Vocabulary(vb.value(), vc.value());
            Tokenizer tokenizer = spec.tokenizer();
            List<Tuple2<Integer, Tuple2<Long, int[]>>> out = new ArrayList<>();
            long offset = charStart[p];
            long g = trainStart[p];
            long gv = validStart[p];
            while (it.hasNext()) {
                String line = it.next();
                boolean isTrain = offset <= cut;
                offset += line.length() + 1;
                int[] ids = tokenizer.encode(line + "\n", v);
                if (!isTrain) {
                    out.add(new Tuple2<>(-1, new Tuple2<>(gv, ids)));
                    gv += ids.length;
                    continue;
                }
                int i = 0;
                while (i < ids.length && g < limit) {
                    int shard = (int) (g / shardLength);
                    long end = Math.min((shard + 1) * shardLength, g + (ids.length - i));
                    int len = (int) (end - g);
                    out.add(new Tuple2<>(shard, new Tuple2<>(g, Arrays.copyOfRange(ids, i, i + len))));
                    i += len;
                    g += len;
                }
                g += ids.length - i;
            }
            return out.iterator();
        }, true).mapToPair(t -> t);
    }

    /** Pieces (global start, ids) in any order → one array in start order; {@code expect} ≥ 0 checks the length. */
    private static int[] concat(Iterator<Tuple2<Integer, Tuple2<Long, int[]>>> it, int expect, String what) {
        List<Tuple2<Long, int[]>> pieces = new ArrayList<>();
        it.forEachRemaining(t -> pieces.add(t._2()));
        return join(pieces, expect, what);
    }

    private static int[] join(List<Tuple2<Long, int[]>> pieces, int expect, String what) {
        pieces.sort(Comparator.comparingLong(Tuple2::_1));
        long n = 0;
        for (Tuple2<Long, int[]> t : pieces) {
            n += t._2().length;
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new CorpusException(what + ": " + n + " tokens, more than one array holds");
        }
        if (expect >= 0 && n != expect) {
            throw new IllegalStateException(what + " has " + n + " tokens, expected " + expect);
        }
        int[] all = new int[(int) n];
        int at = 0;
        for (Tuple2<Long, int[]> t : pieces) {
            System.arraycopy(t._2(), 0, all, at, t._2().length);
            at += t._2().length;
        }
        return all;
    }

    private static long[] perPartition(List<Tuple2<Integer, Long>> values, int parts) {
        long[] a = new long[parts];
        for (Tuple2<Integer, Long> t : values) {
            a[t._1()] = t._2();
        }
        return a;
    }

    /** Exclusive prefix sums. */
    private static long[] prefix(long[] a) {
        long[] p = new long[a.length];
        long s = 0;
        for (int i = 0; i < a.length; i++) {
            p[i] = s;
            s += a[i];
        }
        return p;
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
