package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code recur bench} through the CLI: one JSON line per workload with the fields the compare script reads. */
class BenchCommandTest {

    @ParameterizedTest(name = "{0} on {1} thread(s)")
    @CsvSource({"W,1", "C,2", "G-W,1", "G-C,2"})
    void printsOneJsonLineWithAPositiveMedian(String workload, int threads) {
        CliRunner.Result r = CliRunner.run("bench", "--workload", workload, "--threads", String.valueOf(threads),
                "--steps", "4", "--warmup-seconds", "0", "--seed", "5");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.out());
        JsonObject j = JsonParser.parseString(lines[0]).getAsJsonObject();
        assertEquals("recur", j.get("framework").getAsString());
        assertEquals(workload, j.get("workload").getAsString());
        assertEquals(threads, j.get("threads").getAsInt());
        assertEquals(5, j.get("seed").getAsLong());
        double median = j.get("median_tokens_per_s").getAsDouble();
        assertTrue(median > 0 && median >= j.get("min_tokens_per_s").getAsDouble()
                && median <= j.get("max_tokens_per_s").getAsDouble(), lines[0]);
        assertEquals(workload.startsWith("G-") ? 200 : 4, j.get("timed").getAsLong(), lines[0]);   // 4 x 50 tokens = 2 chunks
    }

    @Test
    void gemmPrintsTheThreeReferenceShapes() {
        CliRunner.Result r = CliRunner.run("bench", "--workload", "GEMM", "--threads", "2", "--warmup-seconds", "0");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().strip().split("\n");
        String[] shapes = {"1024x1024x1024", "1120x10000x256", "32x256x256"};
        assertEquals(shapes.length, lines.length, r.out());
        for (int i = 0; i < shapes.length; i++) {
            JsonObject j = JsonParser.parseString(lines[i]).getAsJsonObject();
            assertEquals("GEMM", j.get("workload").getAsString());
            assertEquals(shapes[i], j.get("shape").getAsString());
            assertTrue(j.get("gflops").getAsDouble() > 0, lines[i]);
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        CliRunner.Result unknown = CliRunner.run("bench", "--workload", "X", "--warmup-seconds", "0");
        assertEquals(ExitCode.USAGE.code(), unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("W, C, G-W, G-C"), unknown.err());
        assertEquals(1, unknown.err().strip().split("\n").length, "one line, no stack trace: " + unknown.err());
        CliRunner.Result warm = CliRunner.run("bench", "--warmup-seconds", "-1");
        assertEquals(ExitCode.USAGE.code(), warm.code(), warm.toString());
    }
}
