package dev.recur.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.ModelFiles;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.spi.Providers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on loopback: a master and two workers started from Spark's jars (a Spark home
 * whose {@code jars/} is Spark's classpath, as a distribution has it), the shaded recur-spark jar submitted with
 * spark-submit's settings ({@code spark.jars}, the driver on 127.0.0.1), one executor killed with SIGKILL during a
 * round. The run completes, the model file loads, and its weights are those of the same run on {@code local[2]}
 * without a failure, bit for bit.
 */
class StandaloneClusterIT {

    @TempDir
    static Path dir;
    static final List<Process> daemons = new ArrayList<>();
    static String sparkClasspath;
    static List<String> jvmFlags;
    static int masterPort;

    @BeforeAll
    static void cluster() throws Exception {
        Path cpFile = Path.of("target", "spark-classpath.txt");
        assertTrue(Files.exists(cpFile), "run by failsafe after package (target/spark-classpath.txt)");
        sparkClasspath = Files.readString(cpFile).trim();
        jvmFlags = Arrays.asList(System.getProperty("recur.spark.jvmFlags", "").trim().split("\\s+"));
        // a Spark home: what a distribution's jars/ holds, here Spark's Maven classpath (recur is not in it)
        Path home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        for (String jar : sparkClasspath.split(java.io.File.pathSeparator)) {
            Path j = Path.of(jar);
            Files.createSymbolicLink(home.resolve("jars").resolve(j.getFileName()), j);
        }
        masterPort = freePort();
        daemons.add(start("master", home, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(masterPort), "--webui-port", String.valueOf(freePort())));
        waitForLog(dir.resolve("master.log"), "I have been elected leader", Duration.ofSeconds(60));
        for (int w = 1; w <= 2; w++) {
            Path work = Files.createDirectories(dir.resolve("work" + w));
            daemons.add(start("worker" + w, home, "org.apache.spark.deploy.worker.Worker",
                    "spark://127.0.0.1:" + masterPort, "--host", "127.0.0.1", "--webui-port", String.valueOf(freePort()),
                    "--cores", "1", "--memory", "1g", "--work-dir", work.toString()));
            waitForLog(dir.resolve("worker" + w + ".log"), "Successfully registered with master", Duration.ofSeconds(60));
        }
    }

    @AfterAll
    static void stop() {
        for (Process p : daemons) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static Process start(String name, Path home, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-Xmx512m", "-cp", sparkClasspath, mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_SCALA_VERSION", "2.13"); // what a distribution's bin/load-spark-env.sh sets
        env.put("SPARK_LOCAL_DIRS", Files.createDirectories(dir.resolve("local-" + name)).toString());
        return pb.start();
    }

    /** Each executor's log (work dirs of both workers) with how many "Running task" lines it holds so far. */
    private static Map<Path, Long> runningTasks() throws IOException {
        Map<Path, Long> counts = new java.util.HashMap<>();
        for (int w = 1; w <= 2; w++) {
            Path work = dir.resolve("work" + w);
            if (!Files.isDirectory(work)) {
                continue;
            }
            try (var files = Files.walk(work, 3)) {
                for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                    try (var lines = Files.lines(f, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                        counts.put(f, lines.filter(l -> l.contains("Running task")).count());
                    }
                }
            }
        }
        return counts;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void waitForLog(Path log, String text, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("'" + text + "' not in " + log + " after " + timeout + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    private static List<String> trainArgs(Path corpus, Path valid, Path out) {
        return List.of("--corpus", corpus.toUri().toString(), "--valid", valid.toUri().toString(), "--level", "word",
                "--hidden", "512", "--embedding", "64", "--bptt", "20", "--batch", "16", "--workers", "2",
                "--sync-every", "40", "--max-steps", "400", "--seed", "11", "--out", out.toString(),
                "--sample-length", "0");
    }

    @Test
    void aRunSurvivesAKilledExecutorAndEqualsTheRunWithoutTheFailure() throws Exception {
        Path corpus = dir.resolve("train.txt");
        Path valid = dir.resolve("valid.txt");
        Files.writeString(corpus, SparkTests.corpus(5000, 3));
        Files.writeString(valid, SparkTests.corpus(100, 4));
        Path out = dir.resolve("cluster.recur");
        String jar = System.getProperty("recur.spark.jar");
        assertTrue(jar != null && Files.exists(Path.of(jar)), "the shaded jar: " + jar);

        // the driver as spark-submit starts it in client mode: the application jar shipped to the executors
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-Dspark.jars=" + jar, "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
                "-Dspark.ui.enabled=false", "-Dspark.executor.memory=700m", "-Dspark.cores.max=2",
                "-Dspark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector",
                "-Dspark.local.dir=" + Files.createDirectories(dir.resolve("local-driver")),
                "-cp", jar + java.io.File.pathSeparator + sparkClasspath, "dev.recur.spark.SparkTrain",
                "--master", "spark://127.0.0.1:" + masterPort));
        cmd.addAll(trainArgs(corpus, valid, out));
        Path driverLog = dir.resolve("driver.log");
        Process driver = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(driverLog.toFile()).start();
        try {
            // two executors up and the run past its second round: kill an executor the moment its log says it
            // started a task of a later round (not after a fixed delay: on a fast machine that could fall between
            // rounds)
            waitForLog(driverLog, "round 2 ", Duration.ofSeconds(180));
            Map<Path, Long> seen = runningTasks();
            Path busy = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (busy == null && System.nanoTime() < deadline) {
                for (Map.Entry<Path, Long> e : runningTasks().entrySet()) {
                    if (e.getValue() > seen.getOrDefault(e.getKey(), 0L)) {
                        busy = e.getKey();
                    }
                }
                Thread.sleep(5);
            }
            assertTrue(busy != null, "an executor started a task after round 2: " + seen);
            String executorId = busy.getParent().getFileName().toString(); // work<w>/app-…/<executor id>/stderr
            List<ProcessHandle> executors = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                    .filter(p -> p.info().commandLine().orElse("").contains("127.0.0.1:"))
                    .collect(Collectors.toList());
            assertEquals(2, executors.size(), "two executors: " + executors);
            ProcessHandle victim = executors.stream()
                    .filter(p -> p.info().commandLine().orElse("").matches(".*--executor-id " + executorId + "( .*|$)"))
                    .findFirst().orElseThrow(() -> new AssertionError("no executor " + executorId + " in " + executors));
            assertTrue(victim.destroyForcibly(), "SIGKILL sent");
            assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "the run ends:\n" + Files.readString(driverLog));
            String log = Files.readString(driverLog);
            Files.createDirectories(Path.of("target", "failsafe-reports"));
            Files.writeString(Path.of("target", "failsafe-reports", "standalone-cluster-driver.log"), log);
            assertEquals(0, driver.exitValue(), log);
            assertTrue(log.contains("saved " + out), log);
            assertTrue(log.contains("round 10 "), "every round ran: " + log);
            assertTrue(log.contains("Lost executor"), "the driver saw the executor go: " + log);
            assertTrue(log.matches("(?s).*(Lost task|ExecutorLostFailure|Resubmitted).*"),
                    "a task of the round was lost and run again: " + log);
        } finally {
            driver.destroyForcibly();
        }

        LanguageModel cluster = ModelFiles.load(out, Providers.load(), Kernels.get());
        // the same run on local[2], never interrupted
        Path local = dir.resolve("local.recur");
        List<String> args = new ArrayList<>(trainArgs(corpus, valid, local));
        args.addAll(List.of("--master", "local[2]"));
        SparkTests.Run r = SparkTests.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        LanguageModel ref = ModelFiles.load(local, Providers.load(), Kernels.get());
        for (int i = 0; i < ref.network().parameters().size(); i++) {
            assertArrayEquals(ref.network().parameters().get(i).value(), cluster.network().parameters().get(i).value(),
                    0f, "parameter " + ref.network().parameters().get(i).name());
        }
    }
}
