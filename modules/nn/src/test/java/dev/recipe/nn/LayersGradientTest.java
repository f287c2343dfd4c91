package dev.recipe.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Finite-difference gradient checks (double precision) of every building block the BERT graph uses. */
class LayersGradientTest {
    private static final double EPS = 1e-6;
    private static final double MAX_REL = 1e-5;
    private static final double ABS_TOL = 1e-9;

    @BeforeAll
    static void fixes() {
        SameDiffFixes.install();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    /** A fixed random projection of the output, so that the loss depends on every element differently. */
    private static SDVariable project(SameDiff sd, SDVariable out, long... shape) {
        SDVariable r = sd.constant(randn(99, shape));
        return sd.sum(out.mul(r));
    }

    private static void assertPasses(GradientCheck.Report r) {
        assertTrue(r.passed(MAX_REL, ABS_TOL), r.toString());
    }

    @Test
    void embeddingLookupGradientIsScatterAddWithRepeatedIds() {
        SameDiff sd = SameDiff.create();
        SDVariable table = sd.var("table", randn(1, 7, 5));
        SDVariable ids = sd.placeHolder("ids", DataType.INT, -1, -1);
        SDVariable rows = Layers.embedding(sd, "rows", table, ids);
        project(sd, rows, 6, 5).rename("loss");
        Map<String, INDArray> ph = Map.of("ids", Nd4j.createFromArray(new int[][] {{1, 3, 3}, {0, 6, 1}}));
        assertPasses(GradientCheck.check(sd, "loss", ph, List.of("table"), 100, EPS, 1));
        // rows never looked up get exactly zero gradient
        INDArray g = sd.calculateGradients(ph, "table").get("table");
        assertEquals(0.0, g.getRow(2).norm2Number().doubleValue(), 0.0);
        assertEquals(0.0, g.getRow(5).norm2Number().doubleValue(), 0.0);
    }

    @Test
    void embeddingLookupRunsNativeGatherAndSurvivesCopyingWhileGatherStaysGather() throws Exception {
        SameDiff sd = SameDiff.create();
        SDVariable table = sd.var("table", randn(1, 7, 5));
        SDVariable ids = sd.placeHolder("ids", DataType.INT, -1);
        SDVariable rows = Layers.embedding(sd, "rows", table, ids);
        SDVariable gathered = sd.gather("gathered", table, ids, 0);
        Map<String, INDArray> ph = Map.of("ids", Nd4j.createFromArray(new int[] {1, 3, 3, 0, 6}));
        Map<String, INDArray> out = sd.output(ph, rows.name(), gathered.name());
        assertEquals(out.get(gathered.name()), out.get(rows.name()));
        EmbeddingLookupOp lookup = sd.getOps().values().stream().map(o -> o.getOp()).filter(EmbeddingLookupOp.class::isInstance)
                .map(EmbeddingLookupOp.class::cast).findFirst().orElseThrow();
        assertEquals(Nd4j.getExecutioner().getCustomOperations().get("gather").getHash(), lookup.opHash(),
                "the forward pass is the native gather");
        // SameDiff copies ops through their serialised form (hash + name) when it builds a gradient function
        var copy = org.nd4j.autodiff.samediff.serde.FlatBuffersMapper.cloneViaSerialize(sd, lookup);
        assertEquals(EmbeddingLookupOp.class, copy.getClass());
        var gatherCopy = org.nd4j.autodiff.samediff.serde.FlatBuffersMapper.cloneViaSerialize(sd, gathered.getCreator());
        assertEquals(org.nd4j.linalg.api.ops.impl.shape.Gather.class, gatherCopy.getClass());
    }

    @Test
    void largeTableGradientIsExactWithHeavilyRepeatedIdsOnEveryThread() {
        // 8,192 upstream rows onto 2 of 1,500 table rows: a scatter-add whose threads race loses updates here
        // (M2.1's scatter_add without its lock flag: errors of ~10 at 2 threads)
        int n = 8192, w = 256, rows = 1500;
        int[] idv = new int[n];
        for (int i = 0; i < n; i++) idv[i] = i % 2 * 1499;
        SameDiff sd = SameDiff.create();
        SDVariable table = sd.var("table", Nd4j.rand(DataType.DOUBLE, rows, w));
        SDVariable ids = sd.placeHolder("ids", DataType.INT, -1);
        INDArray up = randn(5, n, w);
        sd.sum(Layers.embedding(sd, "rows", table, ids).mul(sd.constant(up))).rename("loss");
        INDArray g = sd.calculateGradients(Map.of("ids", Nd4j.createFromArray(idv)), "table").get("table");
        double[][] expected = new double[rows][w];
        for (int i = 0; i < n; i++) for (int j = 0; j < w; j++) expected[idv[i]][j] += up.getDouble(i, j);
        assertEquals(0.0, Nd4j.createFromArray(expected).sub(g).amaxNumber().doubleValue(), 1e-9);
    }

    @Test
    void embeddingGradientPassesOnBothPathsSmallTableProductAndLargeTableScatterAdd() {
        // a parameter table of at most ONE_HOT_MAX_ROWS rows differentiates by onehot(ids)ᵀ·g, a larger one (and any
        // activation table) by scatter_add into zeros: both must equal finite differences and each other's formula
        for (long rows : new long[] {EmbeddingLookupOp.ONE_HOT_MAX_ROWS, EmbeddingLookupOp.ONE_HOT_MAX_ROWS + 1}) {
            SameDiff sd = SameDiff.create();
            SDVariable table = sd.var("table", randn(rows, rows, 3));
            SDVariable ids = sd.placeHolder("ids", DataType.INT, -1);
            project(sd, sd.math.tanh(Layers.embedding(sd, "rows", table, ids)), 6, 3).rename("loss");
            int last = (int) rows - 1;
            Map<String, INDArray> ph = Map.of("ids", Nd4j.createFromArray(last, 0, last, 2, 0, last));
            GradientCheck.Report r = GradientCheck.check(sd, "loss", ph, List.of("table"), 60, EPS, 3);
            assertTrue(r.passed(MAX_REL, ABS_TOL), rows + " rows: " + r);
            INDArray g = sd.calculateGradients(ph, "table").get("table");
            assertEquals(0.0, g.getRow(1).norm2Number().doubleValue(), 0.0, rows + " rows: row 1 is never looked up");
            List<String> gradOps = java.util.Arrays.stream(sd.getFunction("grad").ops()).map(o -> o.opName()).toList();
            boolean small = rows <= EmbeddingLookupOp.ONE_HOT_MAX_ROWS;
            assertEquals(small, gradOps.contains("onehot"), rows + " rows, gradient ops " + gradOps);
            assertEquals(!small, gradOps.contains("scatter_add"), rows + " rows, gradient ops " + gradOps);
        }
    }

    @Test
    void twoEmbeddingLookupsInOneGraphTrain() {
        // several gathers in one graph is what breaks M2.1's own Gather.doDiff
        SameDiff sd = SameDiff.create();
        SDVariable a = sd.var("a", randn(2, 9, 4));
        SDVariable b = sd.var("b", randn(3, 5, 4));
        SDVariable ids = sd.placeHolder("ids", DataType.INT, -1);
        SDVariable x = Layers.embedding(sd, "x", a, ids).add(Layers.embedding(sd, "y", b, sd.constant(Nd4j.createFromArray(0, 1, 2, 4))));
        project(sd, sd.math.tanh(x), 4, 4).rename("loss");
        Map<String, INDArray> ph = Map.of("ids", Nd4j.createFromArray(8, 0, 8, 2));
        assertPasses(GradientCheck.check(sd, "loss", ph, List.of("a", "b"), 100, EPS, 2));
    }

    @Test
    void broadcastOpsMatchTheStockOpsAndTheirGradientsPassFiniteDifferences() {
        // each layout with both operands trainable: forward equals M2.1's op, gradients equal finite differences
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", randn(11, 5, 6));
        SDVariable rowY = sd.var("rowY", randn(12, 5, 1));
        SDVariable colY = sd.var("colY", randn(13, 6));
        SDVariable x4 = sd.var("x4", randn(14, 2, 3, 4, 4));
        SDVariable maskY = sd.var("maskY", randn(15, 2, 1, 1, 4));
        SDVariable a = BroadcastOps.mulPerRow(sd, x, rowY);
        SDVariable b = BroadcastOps.subPerRow(sd, x, rowY);
        SDVariable c = BroadcastOps.mulTrailing(sd, x, colY);
        SDVariable d = BroadcastOps.addTrailing(sd, x, colY);
        SDVariable e = BroadcastOps.addKeepDims(sd, x4, maskY, 1, 2);
        Map<String, INDArray> out = sd.output(Map.of(), a.name(), b.name(), c.name(), d.name(), e.name());
        INDArray xv = x.getArr(), rv = rowY.getArr(), cv = colY.getArr();
        assertEquals(xv.mulColumnVector(rv), out.get(a.name()));
        assertEquals(xv.subColumnVector(rv), out.get(b.name()));
        assertEquals(xv.mulRowVector(cv), out.get(c.name()));
        assertEquals(xv.addRowVector(cv), out.get(d.name()));
        INDArray e4 = x4.getArr().dup();
        for (int i = 0; i < 2; i++) for (int h = 0; h < 3; h++) for (int q = 0; q < 4; q++) {
            e4.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(h),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(q), org.nd4j.linalg.indexing.NDArrayIndex.all())
                    .addi(maskY.getArr().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                            org.nd4j.linalg.indexing.NDArrayIndex.all()));
        }
        assertEquals(e4, out.get(e.name()));
        SDVariable loss = project(sd, sd.math.tanh(a), 5, 6).add(project(sd, sd.math.tanh(b), 5, 6))
                .add(project(sd, sd.math.tanh(c), 5, 6)).add(project(sd, sd.math.tanh(d), 5, 6))
                .add(project(sd, sd.math.tanh(e), 2, 3, 4, 4));
        loss.rename("loss");
        assertPasses(GradientCheck.check(sd, "loss", Map.of(), List.of("x", "rowY", "colY", "x4", "maskY"), 120, EPS, 4));
        // and the gradient graph uses the forward-op backward, not M2.1's broadcast backward ops
        List<String> ops = sd.getFunction("grad").getOps().values().stream().map(o -> o.getOp().opName()).toList();
        // (the five projections' same-shape multiplies and the four scalar adds of the loss are stock ops)
        assertEquals(5, ops.stream().filter("multiply_bp"::equals).count(), ops.toString());
        assertEquals(4, ops.stream().filter("add_bp"::equals).count(), ops.toString());
        assertEquals(0, ops.stream().filter("subtract_bp"::equals).count(), ops.toString());
    }

    @Test
    void multiplyAddAndSubtractWithoutALayoutKeepTheStockGradient() {
        // SameDiffFixes maps every native multiply / add / subtract to BroadcastOps' classes: ops built the usual way
        // (no layout), broadcast or not, must still differentiate as before
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", randn(21, 4, 3));
        SDVariable r = sd.var("r", randn(22, 4, 1));
        SDVariable c = sd.var("c", randn(23, 3));
        SDVariable y = x.mul(r).add(c).sub(x.mul(x)).sub(r);
        project(sd, sd.math.tanh(y), 4, 3).rename("loss");
        assertPasses(GradientCheck.check(sd, "loss", Map.of(), List.of("x", "r", "c"), 40, EPS, 5));
    }

    @Test
    void layerNormGradient() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", randn(4, 6, 8));
        SDVariable g = sd.var("g", randn(5, 8).addi(1));
        SDVariable b = sd.var("b", randn(6, 8));
        project(sd, Layers.layerNorm(sd, "ln", x, g, b, 1e-12), 6, 8).rename("loss");
        assertPasses(GradientCheck.check(sd, "loss", Map.of(), List.of("x", "g", "b"), 48, EPS, 3));
    }

    @Test
    void layerNormMatchesReferenceFormulaWithEpsilon() {
        INDArray x = randn(7, 5, 16).muli(3).addi(1);
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.constant(x);
        INDArray out = Layers.layerNorm(sd, "ln", in, sd.constant(Nd4j.ones(DataType.DOUBLE, 16)),
                sd.constant(Nd4j.zeros(DataType.DOUBLE, 16)), 1e-5).eval();
        INDArray mean = x.mean(true, 1);
        INDArray var = x.sub(mean).mul(x.sub(mean)).mean(true, 1);
        INDArray ref = x.sub(mean).div(org.nd4j.linalg.ops.transforms.Transforms.sqrt(var.add(1e-5)));
        assertTrue(out.equalsWithEps(ref, 1e-9), "layer norm differs from (x-mean)/sqrt(var+1e-5)");
    }

    @Test
    void geluIsTheExactErfFormAndItsGradientIsRight() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.createFromArray(-2.0, -1.0, 0.0, 1.0, 2.0, 3.0));
        INDArray y = Layers.gelu(sd, "y", x).eval();
        // x * Phi(x): Phi(1) = 0.8413447460685429, Phi(2) = 0.9772498680518208
        assertEquals(0.8413447460685429, y.getDouble(3), 1e-12);
        assertEquals(2 * 0.9772498680518208, y.getDouble(4), 1e-12);
        assertEquals(-1 * (1 - 0.8413447460685429), y.getDouble(1), 1e-12);
        SameDiff sd2 = SameDiff.create();
        SDVariable x2 = sd2.var("x", randn(8, 3, 7).muli(2));
        project(sd2, Layers.gelu(sd2, "y", x2), 3, 7).rename("loss");
        assertPasses(GradientCheck.check(sd2, "loss", Map.of(), List.of("x"), 21, EPS, 4));
    }

    @Test
    void attentionWithPaddingMaskGradientAndMaskedKeysAreIgnored() {
        int batch = 2, seq = 4, heads = 2, headDim = 3, hidden = heads * headDim;
        SameDiff sd = SameDiff.create();
        SDVariable q = sd.var("q", randn(10, batch * seq, hidden));
        SDVariable k = sd.var("k", randn(11, batch * seq, hidden));
        SDVariable v = sd.var("v", randn(12, batch * seq, hidden));
        SDVariable mask = sd.placeHolder("mask", DataType.DOUBLE, -1, -1);
        Layers.AttentionMask padding = Layers.additiveMask(sd, "maskAdd", mask);
        SDVariable headShape = sd.constant(Nd4j.createFromArray(-1L, seq, heads, headDim));
        SDVariable flatShape = sd.constant(Nd4j.createFromArray(-1L, hidden));
        SDVariable ctx = Layers.attention(sd, "ctx", q, k, v, padding, headShape, flatShape, headDim);
        project(sd, ctx, batch * seq, hidden).rename("loss");
        INDArray m = Nd4j.createFromArray(new double[][] {{1, 1, 1, 1}, {1, 1, 0, 0}});
        Map<String, INDArray> ph = Map.of("mask", m);
        assertPasses(GradientCheck.check(sd, "loss", ph, List.of("q", "k", "v"), 48, EPS, 5));
        // keys and values at padded positions (sequence 1, positions 2 and 3) get (almost) no gradient
        Map<String, INDArray> g = sd.calculateGradients(ph, "k", "v");
        for (int row : new int[] {6, 7}) {
            assertTrue(g.get("v").getRow(row).norm2Number().doubleValue() < 1e-3, "padded value row " + row);
            assertTrue(g.get("k").getRow(row).norm2Number().doubleValue() < 1e-3, "padded key row " + row);
        }
    }

    @Test
    void crossEntropyGradientAndValue() {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.var("logits", randn(13, 5, 11));
        SDVariable labels = sd.placeHolder("labels", DataType.INT, -1);
        SDVariable loss = Losses.crossEntropy(sd, "loss", logits, labels, 11);
        // a scale after the loss must reach the gradient (sd.loss.* drops it in M2.1)
        loss.mul(3.0).rename("scaled");
        INDArray lab = Nd4j.createFromArray(0, 10, 3, 3, 7);
        Map<String, INDArray> ph = Map.of("labels", lab);
        assertPasses(GradientCheck.check(sd, "scaled", ph, List.of("logits"), 55, EPS, 6));
        // value: hand formula
        INDArray l = sd.getVariable("logits").getArr();
        double expected = 0;
        for (int i = 0; i < 5; i++) {
            INDArray row = l.getRow(i);
            double max = row.maxNumber().doubleValue();
            double lse = max + Math.log(org.nd4j.linalg.ops.transforms.Transforms.exp(row.sub(max)).sumNumber().doubleValue());
            expected += lse - row.getDouble(lab.getInt(i));
        }
        assertEquals(expected / 5, sd.output(ph, "loss").get("loss").getDouble(0), 1e-12);
    }

    @Test
    void sumOfNormsValueAndGradient() {
        SameDiff sd = SameDiff.create();
        SDVariable w1 = sd.var("w1", Nd4j.createFromArray(new double[][] {{3, 0}, {0, 4}}));
        SDVariable w2 = sd.var("w2", randn(14, 3, 5));
        Losses.sumOfNorms(sd, "norm", List.of(w1, w2));
        double expected = 5.0 + w2.getArr().norm2Number().doubleValue();
        assertEquals(expected, sd.output(Map.of(), "norm").get("norm").getDouble(0), 1e-12);
        assertPasses(GradientCheck.check(sd, "norm", Map.of(), List.of("w1", "w2"), 20, EPS, 7));
        // gradient is W / ||W||
        INDArray g1 = sd.calculateGradients(Map.of(), "w1").get("w1");
        assertTrue(g1.equalsWithEps(Nd4j.createFromArray(new double[][] {{0.6, 0}, {0, 0.8}}), 1e-12), g1.toString());
    }

    @Test
    void selectRowsGradient() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", randn(15, 6, 4));
        SDVariable idx = sd.placeHolder("idx", DataType.INT, -1);
        project(sd, Layers.selectRows(sd, "sel", x, idx), 3, 4).rename("loss");
        assertPasses(GradientCheck.check(sd, "loss", Map.of("idx", Nd4j.createFromArray(5, 0, 5)), List.of("x"), 24, EPS, 8));
    }

    @Test
    void selectingASingleRowHasTheRightGradient() {
        // one selected row: M2.1's unsorted_segment_sum (the backward before scatter_add) was wrong here
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", randn(16, 6, 4));
        SDVariable idx = sd.placeHolder("idx", DataType.INT, -1);
        project(sd, Layers.selectRows(sd, "sel", x, idx), 3, 4).rename("loss");
        assertPasses(GradientCheck.check(sd, "loss", Map.of("idx", Nd4j.createFromArray(2)), List.of("x"), 24, EPS, 8));
    }
}
