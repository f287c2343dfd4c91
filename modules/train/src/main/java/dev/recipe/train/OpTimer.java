package dev.recipe.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Wall time of every executed SameDiff op, summed per op type: the op profile that tells where a training step's
 * time goes and how much of it is spent outside the ops (session bookkeeping, allocation, page faults). SameDiff's
 * own {@code ProfilingListener} writes a trace file per op call; this keeps only the per-type totals, which is what a
 * step-level comparison needs. Attach with {@link #attach}: the gradient pass runs in a separate "grad" function whose
 * listeners must be set too.
 */
public final class OpTimer extends BaseListener {
    /** Totals of one op type. */
    public record Entry(String op, long calls, double millis) {}

    private final Map<String, long[]> totals = new TreeMap<>();
    private long started;

    /** Attaches this timer to {@code sd} and, when it exists, to its gradient function. */
    public OpTimer attach(SameDiff sd) {
        sd.setListeners(this);
        SameDiff grad = sd.getFunction("grad");
        if (grad != null) grad.setListeners(this);
        return this;
    }

    /** Forgets what was timed so far (e.g. after warm-up steps). */
    public void reset() {
        totals.clear();
    }

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext ctx) {
        started = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
        long[] t = totals.computeIfAbsent(op.getOp().opName(), k -> new long[2]);
        t[0]++;
        t[1] += System.nanoTime() - started;
    }

    /** Per op type, the largest total first. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        totals.forEach((k, v) -> out.add(new Entry(k, v[0], v[1] / 1e6)));
        out.sort(Comparator.comparingDouble(Entry::millis).reversed().thenComparing(Entry::op));
        return out;
    }

    /** Sum of all timed op time, in milliseconds. */
    public double totalMillis() {
        return entries().stream().mapToDouble(Entry::millis).sum();
    }

    /** Number of op executions timed. */
    public long totalCalls() {
        return entries().stream().mapToLong(Entry::calls).sum();
    }

    /** The {@code top} largest entries as maps (op, calls, ms) divided by {@code steps}, for a JSON record. */
    public List<Map<String, Object>> perStep(int top, int steps) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : entries().subList(0, Math.min(top, entries().size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("op", e.op());
            m.put("calls_per_step", e.calls() / (double) steps);
            m.put("ms_per_step", e.millis() / steps);
            m.put("ms_per_call", e.millis() / e.calls());
            out.add(m);
        }
        return out;
    }
}
