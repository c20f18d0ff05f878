package dev.recur.cli.render;

import dev.recur.cli.UsageException;

import de.erichseifert.vectorgraphics2d.Document;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Charts with XChart, stacked vertically into one PNG or SVG file (chosen by the file's extension). */
public final class Charts {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    public static XYChart chart(String title, String xTitle, String yTitle, boolean logY, int width, int height) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        c.getStyler().setYAxisLogarithmic(logY);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setPlotGridLinesVisible(true);
        c.getStyler().setXAxisDecimalPattern("#,##0");
        c.getStyler().setYAxisDecimalPattern(logY ? "0.0E0" : "#,##0.###");
        return c;
    }

    /** Whether {@code file} names a format we write. */
    public static void checkFormat(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!n.endsWith(".png") && !n.endsWith(".svg")) {
            throw new UsageException("plot file must end with .png or .svg, got '" + file + "'");
        }
    }

    /** Writes the charts one above the other, atomically (temporary file + rename). */
    public static void write(Path file, List<XYChart> charts) {
        checkFormat(file);
        int width = charts.stream().mapToInt(XYChart::getWidth).max().orElse(800);
        int height = charts.stream().mapToInt(XYChart::getHeight).sum();
        boolean svg = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg");
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = tempBeside(target);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                if (svg) {
                    VectorGraphics2D g = new VectorGraphics2D();
                    paint(g, charts);
                    Document doc = new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, width, height));
                    doc.writeTo(out);
                } else {
                    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                    Graphics2D g = img.createGraphics();
                    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                    g.setColor(Color.WHITE);
                    g.fillRect(0, 0, width, height);
                    paint(g, charts);
                    g.dispose();
                    ImageIO.write(img, "png", out);
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the plot: " + e.getMessage(), e);
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

    /** A temporary file next to {@code target}, readable like an ordinary output file. */
    public static Path tempBeside(Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        return tmp;
    }

    private static void paint(Graphics2D g, List<XYChart> charts) {
        int y = 0;
        for (XYChart c : charts) {
            Graphics2D sub = (Graphics2D) g.create(0, y, c.getWidth(), c.getHeight());
            c.paint(sub, c.getWidth(), c.getHeight());
            sub.dispose();
            y += c.getHeight();
        }
    }
}
