package dev.recur.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.recur.cli.Cli;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corpora a user may hand {@code recur train} by accident or on purpose: larger than this JVM's heap (refused
 * before anything is read, with the heap it would need), larger than any Java text (refused, pointing at
 * spark-train), a named pipe (read to its end, then trained on), a file deleted or grown while the run goes on
 * (the run trains on the text it read at the start). Empty, white-space-only, binary, invalid-UTF-8, BOM and
 * CRLF corpora are covered by CliEndToEndTest and the fuzzed readers.
 */
class HostileCorpusTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result recur(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.create(HostileCorpusTest.class.getClassLoader(), new PrintWriter(out, true),
                new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static String text() {
        StringBuilder sb = new StringBuilder();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int line = 0; line < 300; line++) {
            for (int w = 0; w < 10; w++) {
                sb.append(w == 0 ? "" : " ").append("w").append(r.nextInt(300));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private Path sparse(String name, long size) throws IOException {
        Path f = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size); // no disk blocks: a file of NUL bytes, one line
        }
        return f;
    }

    @Test
    void aSingleLineLargerThanTheHeapCanHoldIsRefusedBeforeReading() throws Exception {
        long heap = Runtime.getRuntime().maxMemory();
        long size = Math.min(heap / 5, Integer.MAX_VALUE - 100L); // needs ~2x this heap
        assumeTrue(size * 10 > heap, "this JVM's heap holds 2 GB of text");
        Path big = sparse("one-line.txt", size);
        Result r = recur("train", "--corpus", big.toString(), "--level", "char", "--max-steps", "1");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("of heap in one process") && r.err().contains("-Xmx"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err()); // the size check's message: nothing was read
    }

    @Test
    void textLargerThanAJavaArrayPointsAtSparkTrain() throws Exception {
        Path huge = sparse("huge.txt", 3L << 30);
        Result r = recur("train", "--corpus", huge.toString(), "--level", "word", "--max-steps", "1");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("at most 2 GB") && r.err().contains("spark-train"), r.err());
    }

    @Test
    void aNamedPipeIsReadToItsEndAndTrainedOn() throws Exception {
        Path fifo = dir.resolve("corpus.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo available");
        Thread writer = new Thread(() -> {
            try (OutputStream o = Files.newOutputStream(fifo)) {
                byte[] b = text().getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < b.length; i += 1000) {
                    o.write(b, i, Math.min(1000, b.length - i)); // in pieces, as a producer would
                    o.flush();
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        Path out = dir.resolve("fifo.recur");
        Result r = recur("train", "--corpus", fifo.toString(), "--level", "word", "--hidden", "16", "--embedding", "8",
                "--batch", "4", "--bptt", "8", "--max-steps", "5", "--sample-length", "0", "--out", out.toString());
        writer.join(10_000);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trained 5 steps") && Files.exists(out), r.out());
    }

    @Test
    void aCorpusDeletedOrGrownDuringTheRunDoesNotDisturbIt() throws Exception {
        for (String what : List.of("delete", "grow")) {
            Path corpus = dir.resolve(what + ".txt");
            Files.writeString(corpus, text());
            Path out = dir.resolve(what + ".recur");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                    System.getProperty("java.class.path"), "dev.recur.cli.Main", "train", "--corpus", corpus.toString(),
                    "--level", "word", "--hidden", "64", "--embedding", "32", "--batch", "4", "--bptt", "8",
                    "--max-steps", "400", "--sample-length", "0", "--threads", "1", "--out", out.toString()));
            Path log = dir.resolve(what + ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long end = System.nanoTime() + 60_000_000_000L;
            while (!Files.readString(log).contains("model: ") && p.isAlive() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "still training: " + Files.readString(log));
            if (what.equals("delete")) {
                Files.delete(corpus);
            } else {
                Files.writeString(corpus, "\u00ff\u0000 not the same text at all\n".repeat(1000),
                        StandardOpenOption.APPEND);
            }
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run ends");
            String l = Files.readString(log);
            assertEquals(0, p.exitValue(), what + ": " + l);
            assertTrue(l.contains("trained 400 steps") && Files.exists(out), what + ": " + l);
        }
    }
}
