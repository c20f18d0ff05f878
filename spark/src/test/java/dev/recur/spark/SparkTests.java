package dev.recur.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Shared by the Spark tests: loopback-only Spark contexts, the shared data, running the command in-process. */
final class SparkTests {

    static {
        // everything a test starts binds to and talks over loopback (SPARK_LOCAL_IP is set by the build too)
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.ui.showConsoleProgress", "false");
    }

    private SparkTests() {
    }

    /** A local[N] context (loopback, no UI). */
    static JavaSparkContext local(int threads) {
        SparkConf conf = new SparkConf().setMaster("local[" + threads + "]").setAppName("recur-test");
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        return sc;
    }

    /** The shared data directory (tests that need it are skipped without it). */
    static Path data(String name) {
        return Path.of("..", "..", "shared", "data").resolve(name).toAbsolutePath().normalize();
    }

    /**
     * A word corpus of {@code lines} lines drawn from a fixed generator (a Zipf-like vocabulary of 2,000 words, 8 to
     * 30 words a line): tests that train do not need the shared data.
     */
    static String corpus(int lines, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < lines; l++) {
            int n = 8 + r.nextInt(23);
            for (int w = 0; w < n; w++) {
                int id = (int) Math.floor(Math.pow(2000, r.nextDouble())) - 1; // frequent low ids
                sb.append(w == 0 ? "" : " ").append("w").append(id);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static boolean hasData() {
        return Files.isDirectory(data("ptb"));
    }

    /** What one in-process run of the command printed. */
    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkTrain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
