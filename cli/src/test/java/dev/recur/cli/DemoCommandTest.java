package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gradient demonstration runs end to end (small settings) and draws its plots. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void demonstrationRunsAndPlots() throws Exception {
        CliRunner.Result r = CliRunner.run("demo-gradients", "--out", dir.toString(), "--distances", "4,12",
                "--epochs", "4");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("(b) no clipping:          DIVERGED"), r.out());
        assertTrue(r.out().contains("(c) global-norm 1.0 clip: completed"), r.out());
        assertEquals(900, ImageIO.read(dir.resolve("vanishing.png").toFile()).getWidth());
        assertEquals(900, ImageIO.read(dir.resolve("exploding.png").toFile()).getWidth());
    }
}
