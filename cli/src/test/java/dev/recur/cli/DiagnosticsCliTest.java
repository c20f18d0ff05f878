package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** recur diagnose and recur plot end to end on a model and metrics written by recur train. */
class DiagnosticsCliTest {

    @TempDir
    static Path dir;
    static Path corpus;
    static Path model;
    static Path metrics;

    @BeforeAll
    static void train() throws Exception {
        corpus = Files.writeString(dir.resolve("c.txt"), CliEndToEndTest.TEXT);
        model = dir.resolve("m.recur");
        metrics = dir.resolve("run.jsonl");
        CliRunner.Result r = CliRunner.run("train", "--corpus", corpus.toString(), "--level", "char", "--hidden", "16",
                "--embedding", "8", "--bptt", "16", "--batch", "4", "--epochs", "2", "--activation", "identity",
                "--cell-option", "init=irnn", "--cell-option", "init-scale=0.9", "--log-every", "5",
                "--out", model.toString(), "--metrics", metrics.toString(), "--sample-length", "0");
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void diagnosePrintsTheTableAndWritesPngSvgAndCsv() throws Exception {
        Path png = dir.resolve("flow.png");
        Path csv = dir.resolve("flow.csv");
        CliRunner.Result r = CliRunner.run("diagnose", "--model", model.toString(), "--corpus", corpus.toString(),
                "--max-distance", "40", "--plot", png.toString(), "--csv", csv.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("spectral radius"), r.out());
        assertTrue(r.out().contains("activation identity: dh(t)/dh(t-l) is exactly W_h^l"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("40 ")), r.out());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(560, img.getHeight());
        assertEquals(42, Files.readAllLines(csv).size(), "header + distances 0..40");
        // identity σ: measured Jacobian product equals the prediction column
        for (String line : Files.readAllLines(csv).subList(1, 42)) {
            String[] f = line.split(",");
            assertEquals(Double.parseDouble(f[4]), Double.parseDouble(f[3]), 1e-3 * Double.parseDouble(f[4]), line);
        }
        Path svg = dir.resolve("flow.svg");
        assertEquals(0, CliRunner.run("diagnose", "--model", model.toString(), "--corpus", corpus.toString(),
                "--max-distance", "20", "--plot", svg.toString()).code());
        assertWellFormedSvg(svg);
    }

    @Test
    void plotDrawsTheTrainingCurves() throws Exception {
        Path png = dir.resolve("curves.png");
        CliRunner.Result r = CliRunner.run("plot", "--metrics", metrics.toString(), "--out", png.toString());
        assertEquals(0, r.code(), r.toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(380 + 280 + 380, img.getHeight());
        Path svg = dir.resolve("curves.svg");
        assertEquals(0, CliRunner.run("plot", "--metrics", metrics.toString(), "--out", svg.toString()).code());
        assertWellFormedSvg(svg);
        assertTrue(Files.readString(metrics).contains("\"grad_norms\":{\"E\":"), "per-parameter norms in the metrics");
    }

    static void assertWellFormedSvg(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document d = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", d.getDocumentElement().getNodeName());
    }

    @Test
    void badInputsAreClearErrors() {
        CliRunner.Result none = CliRunner.run("diagnose", "--model", dir.resolve("none.recur").toString(), "--corpus",
                corpus.toString());
        assertEquals(ExitCode.BAD_MODEL_FILE.code(), none.code(), none.toString());
        assertEquals("recur: " + dir.resolve("none.recur") + ": no such file\n", none.err());
        CliRunner.Result tooShort = CliRunner.run("diagnose", "--model", model.toString(), "--corpus", corpus.toString(),
                "--max-distance", "100000");
        assertEquals(ExitCode.BAD_DATA.code(), tooShort.code(), tooShort.toString());
        assertTrue(tooShort.err().startsWith("recur: corpus is too short for --max-distance 100000"), tooShort.err());
        CliRunner.Result fmt = CliRunner.run("plot", "--metrics", metrics.toString(), "--out", dir.resolve("x.gif").toString());
        assertEquals(ExitCode.USAGE.code(), fmt.code(), fmt.toString());
        CliRunner.Result notJson = CliRunner.run("plot", "--metrics", corpus.toString(), "--out", dir.resolve("x.png").toString());
        assertEquals(ExitCode.USAGE.code(), notJson.code(), notJson.toString());
        assertEquals(1, notJson.err().lines().count(), notJson.err());
    }
}
