import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Draws scripts/bench/soak.sh's samples as a PNG with the JDK alone (no plotting tool on the machine):
 * three panels over time, daemon RSS (MiB), threads and open files, bgrun's line and, when given, pm2's, each
 * panel with its target as a dashed line (for RSS: pm2's maximum, given as --rss-target-mib).
 * <pre>
 *   java Plot.java OUT.png BGRUN_CSV [PM2_CSV] [--title=TEXT] [--threads-target=N] [--fds-target=N] [--rss-target-mib=N]
 * </pre>
 * A CSV has a header line; the columns used are t_s, rss_kib, threads and fds (found by name).
 */
public class Plot {
    private static final int WIDTH = 1100;
    private static final int PANEL = 300;
    private static final int TOP = 50;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int GAP = 60;
    private static final Color BGRUN = new Color(0x1f77b4);
    private static final Color PM2 = new Color(0xff7f0e);
    private static final Color TARGET = new Color(0xd62728);
    private static final Color GRID = new Color(0xe6e6e6);

    /** A series: x (seconds) and the three y columns. */
    record Series(String name, Color color, double[] t, double[] rssMib, double[] threads, double[] fds) {
        double[] column(int panel) {
            return switch (panel) {
                case 0 -> rssMib;
                case 1 -> threads;
                default -> fds;
            };
        }
    }

    static Series read(String name, Color color, Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new IOException(csv + " is empty");
        }
        List<String> head = Arrays.asList(lines.getFirst().split(","));
        int[] at = {head.indexOf("t_s"), head.indexOf("rss_kib"), head.indexOf("threads"), head.indexOf("fds")};
        if (Arrays.stream(at).anyMatch(i -> i < 0)) {
            throw new IOException(csv + ": the header needs t_s, rss_kib, threads and fds; it has " + head);
        }
        int n = lines.size() - 1;
        double[][] v = new double[4][n];
        for (int r = 0; r < n; r++) {
            String[] cells = lines.get(r + 1).split(",");
            for (int c = 0; c < 4; c++) {
                v[c][r] = Double.parseDouble(cells[at[c]]);
            }
        }
        for (int r = 0; r < n; r++) {
            v[1][r] /= 1024; // KiB -> MiB
        }
        return new Series(name, color, v[0], v[1], v[2], v[3]);
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> positional = new ArrayList<>();
        String title = "bgrun daemon soak";
        double[] targets = {Double.NaN, Double.NaN, Double.NaN};
        for (String a : args) {
            if (a.startsWith("--title=")) {
                title = a.substring(8);
            } else if (a.startsWith("--rss-target-mib=")) {
                targets[0] = Double.parseDouble(a.substring(17));
            } else if (a.startsWith("--threads-target=")) {
                targets[1] = Double.parseDouble(a.substring(17));
            } else if (a.startsWith("--fds-target=")) {
                targets[2] = Double.parseDouble(a.substring(13));
            } else {
                positional.add(a);
            }
        }
        if (positional.size() < 2 || positional.size() > 3) {
            System.err.println("usage: java Plot.java OUT.png BGRUN_CSV [PM2_CSV] [--title=TEXT] [--threads-target=N]"
                    + " [--fds-target=N] [--rss-target-mib=N]");
            System.exit(2);
        }
        List<Series> series = new ArrayList<>();
        series.add(read("bgrun daemon", BGRUN, Path.of(positional.get(1))));
        if (positional.size() == 3) {
            series.add(read("pm2 daemon (God)", PM2, Path.of(positional.get(2))));
        }
        int height = TOP + 3 * PANEL + 3 * GAP;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, LEFT, 30);
        String[] names = {"RSS (MiB)", "threads", "open files"};
        double tMax = series.stream().mapToDouble(s -> max(s.t())).max().orElse(1);
        for (int p = 0; p < 3; p++) {
            panel(g, p, names[p], series, targets[p], tMax);
        }
        g.dispose();
        if (!ImageIO.write(img, "png", Path.of(positional.get(0)).toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    static void panel(Graphics2D g, int p, String name, List<Series> series, double target, double tMax) {
        int y0 = TOP + p * (PANEL + GAP) + 20; // the panel's top
        int w = WIDTH - LEFT - RIGHT;
        int h = PANEL - 20;
        double yMax = series.stream().mapToDouble(s -> max(s.column(p))).max().orElse(1);
        if (!Double.isNaN(target)) {
            yMax = Math.max(yMax, target);
        }
        double yStep = niceStep(yMax * 1.1, 6);
        yMax = Math.max(yStep, Math.ceil(yMax * 1.1 / yStep) * yStep);
        double tTop = Math.max(1, tMax);
        double tStep = niceStep(tTop, 10);
        tTop = Math.ceil(tTop / tStep) * tStep;
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        // Grid and tick labels.
        for (double y = 0; y <= yMax + yStep / 2; y += yStep) {
            int py = y0 + h - (int) Math.round(y / yMax * h);
            g.setColor(GRID);
            g.drawLine(LEFT, py, LEFT + w, py);
            g.setColor(Color.DARK_GRAY);
            String label = label(y);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + fm.getAscent() / 2);
        }
        for (double t = 0; t <= tTop + tStep / 2; t += tStep) {
            int px = LEFT + (int) Math.round(t / tTop * w);
            g.setColor(GRID);
            g.drawLine(px, y0, px, y0 + h);
            g.setColor(Color.DARK_GRAY);
            String label = label(t);
            g.drawString(label, px - fm.stringWidth(label) / 2, y0 + h + fm.getAscent() + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, y0, w, h);
        g.drawString("seconds", LEFT + w - fm.stringWidth("seconds"), y0 + h + 2 * fm.getHeight() + 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(name, LEFT, y0 - 6);
        g.setFont(small);
        // Lines: the series, then the target; the legend last, on a white ground, over them.
        Stroke solid = new BasicStroke(2f);
        Stroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{8f, 6f}, 0f);
        for (Series s : series) {
            double[] ys = s.column(p);
            g.setColor(s.color());
            g.setStroke(solid);
            for (int i = 0; i < ys.length; i++) {
                int px = LEFT + (int) Math.round(s.t()[i] / tTop * w);
                int py = y0 + h - (int) Math.round(ys[i] / yMax * h);
                if (i > 0) {
                    int qx = LEFT + (int) Math.round(s.t()[i - 1] / tTop * w);
                    int qy = y0 + h - (int) Math.round(ys[i - 1] / yMax * h);
                    g.drawLine(qx, qy, px, py);
                }
                g.fillOval(px - 2, py - 2, 5, 5);
            }
        }
        if (!Double.isNaN(target)) {
            int py = y0 + h - (int) Math.round(target / yMax * h);
            g.setColor(TARGET);
            g.setStroke(dashed);
            g.drawLine(LEFT, py, LEFT + w, py);
        }
        int legendY = y0 + 18;
        for (Series s : series) {
            legend(g, legendY, s.color(), solid, s.name() + " (max " + label(max(s.column(p))) + ")");
            legendY += 16;
        }
        if (!Double.isNaN(target)) {
            legend(g, legendY, TARGET, dashed, (p == 0 ? "target (pm2's max) " : "target ") + label(target));
        }
        g.setStroke(new BasicStroke(1f));
    }

    static void legend(Graphics2D g, int y, Color c, Stroke stroke, String text) {
        int x = LEFT + 12;
        g.setColor(Color.WHITE);
        g.fillRect(x - 4, y - 13, 30 + g.getFontMetrics().stringWidth(text) + 8, 16);
        g.setColor(c);
        g.setStroke(stroke);
        g.drawLine(x, y - 4, x + 24, y - 4);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawString(text, x + 30, y);
    }

    /** A step of 1, 2 or 5 times a power of ten that cuts 0..span into at most about n pieces. */
    static double niceStep(double span, int n) {
        double raw = Math.max(span, 1e-9) / n;
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[]{1, 2, 5, 10}) {
            if (m * pow >= raw) {
                return m * pow;
            }
        }
        return 10 * pow;
    }

    static String label(double v) {
        return v == Math.rint(v) ? String.format("%.0f", v) : String.format("%.1f", v);
    }
}
