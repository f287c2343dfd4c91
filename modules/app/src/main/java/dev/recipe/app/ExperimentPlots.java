package dev.recipe.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.recipe.core.AtomicFiles;
import dev.recipe.eval.SeedStats;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.Styler;

/**
 * The figures of an experiment ({@link ExperimentConfig.Plot}) drawn from its finished cells with XChart: one line per
 * (task, metric), models at their x positions, mean ± sample std over fine-tuning seeds as error bars. Written next
 * to the tables as PNG; a figure whose models have no finished cells yet is skipped, with a line saying so.
 */
final class ExperimentPlots {
    /** The y values a figure may show, all in percent. {@code overlap_ratio} is the neuron analysis's mean over triggers. */
    static final List<String> METRICS = List.of("ACC", "macro_F1", "AASR", "MASR", "overlap_ratio");

    private ExperimentPlots() {}

    /** One series: its task, metric and points (x, mean, std), sorted by x. */
    record Series(String task, String metric, double[] x, double[] y, double[] err) {
        String name() {
            return task + " " + metric;
        }
    }

    /** A colour per task, a line style per metric, so that a task's lines read together. */
    private static final java.awt.Color[] TASK_COLOURS = {new java.awt.Color(0x1f77b4), new java.awt.Color(0xd62728),
            new java.awt.Color(0x2ca02c), new java.awt.Color(0x9467bd), new java.awt.Color(0xff7f0e), new java.awt.Color(0x8c564b)};
    private static final java.awt.BasicStroke[] METRIC_LINES = {SeriesLines.SOLID, SeriesLines.DASH_DASH,
            SeriesLines.DOT_DOT, SeriesLines.DASH_DOT};

    /** The series of {@code plot} from {@code outcomes}: for every task and metric, the models that have cells. */
    static List<Series> series(ExperimentConfig.Plot plot, List<ExperimentCommand.Outcome> outcomes, List<String> tasks) {
        List<Series> out = new ArrayList<>();
        for (String task : tasks) {
            for (String metric : plot.metrics()) {
                Map<Double, double[]> points = new java.util.TreeMap<>();
                for (ExperimentCommand.Outcome o : outcomes) {
                    Double x = plot.points().get(o.step().name());
                    if (x == null || !o.task().equals(task)) continue;
                    double[] v = value(o, metric);
                    if (v != null) points.put(x, v);
                }
                if (points.isEmpty()) continue;
                double[] xs = new double[points.size()], ys = new double[xs.length], es = new double[xs.length];
                int i = 0;
                for (var e : points.entrySet()) {
                    xs[i] = e.getKey();
                    ys[i] = e.getValue()[0];
                    es[i++] = e.getValue()[1];
                }
                out.add(new Series(task, metric, xs, ys, es));
            }
        }
        return out;
    }

    /** {mean, std} in percent, or null when the outcome lacks the metric. */
    private static double[] value(ExperimentCommand.Outcome o, String metric) {
        SeedStats s = switch (metric) {
            case "ACC" -> o.acc();
            case "macro_F1" -> o.macroF1();
            case "AASR" -> o.aasr();
            case "MASR" -> o.masr();
            default -> null;
        };
        if (s != null) return Double.isNaN(s.mean()) ? null : new double[]{100 * s.mean(), s.n() > 1 ? 100 * s.std() : 0};
        Double mean = o.neuronMean(metric);
        return mean == null ? null : new double[]{100 * mean, 0};
    }

    /** Draws every figure of {@code cfg} into {@code dir}; returns the files written. */
    static List<Path> write(ExperimentConfig cfg, List<ExperimentCommand.Outcome> outcomes, Path dir) {
        List<Path> written = new ArrayList<>();
        for (ExperimentConfig.Plot plot : cfg.plots()) {
            List<Series> series = series(plot, outcomes, cfg.evaluate().tasks());
            if (series.isEmpty()) {
                System.out.println("plot " + plot.file() + ": no finished cells for " + plot.points().keySet() + " yet");
                continue;
            }
            Path file = dir.resolve(plot.file());
            byte[] png = render(plot, series);
            AtomicFiles.write(file, os -> os.write(png));
            written.add(file);
        }
        return written;
    }

    static byte[] render(ExperimentConfig.Plot plot, List<Series> series) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(540).title(plot.title()).xAxisTitle(plot.x())
                .yAxisTitle("percent (mean ± std over seeds)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLogarithmic(plot.logX());
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        List<String> tasks = series.stream().map(Series::task).distinct().toList();
        for (Series s : series) {
            boolean anyErr = java.util.Arrays.stream(s.err()).anyMatch(e -> e > 0);
            XYSeries xy = anyErr ? chart.addSeries(s.name(), s.x(), s.y(), s.err()) : chart.addSeries(s.name(), s.x(), s.y());
            java.awt.Color c = TASK_COLOURS[tasks.indexOf(s.task()) % TASK_COLOURS.length];
            xy.setLineColor(c);
            xy.setMarkerColor(c);
            xy.setLineStyle(METRIC_LINES[plot.metrics().indexOf(s.metric()) % METRIC_LINES.length]);
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not draw " + plot.file() + ": " + e.getMessage(), e);
        }
    }
}
