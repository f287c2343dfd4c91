package dev.recipe.nn;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;

/**
 * Row lookup {@code out[i] = table[ids[i]]} with a gradient that is right: for a table over {@link
 * #ONE_HOT_MAX_ROWS} rows {@code dTable = scatterAdd(zeros, ids, dOut)} (locked, so repeated ids do not race),
 * O(ids·width) work plus zeroing the table, no one-hot; for a smaller table the product
 * {@code onehot(ids)ᵀ · dOut}, which is faster there.
 *
 * <p>Why hand-written: in DL4J 1.0.0-M2.1 {@code Gather.doDiff} builds a broken control-flow loop (see
 * PLATFORM-NOTES "known defects" 1), and one-hot × matmul costs O(batch·seq·vocab). The class must stay stateless:
 * when SameDiff builds the gradient graph it re-creates every op from its hash and name, and finds this class
 * because {@link SameDiffFixes#install()} registers it under both the native {@code embedding_lookup} hash (graphs
 * written before this op ran {@code gather}) and {@code gather}'s hash with the name {@code embedding_lookup}.
 *
 * <p>Forward: the graph names the op {@code embedding_lookup} (so that SameDiff re-creates this class when it copies
 * the graph), but it runs the native {@code gather} (axis 0, the same inputs and integer argument): M2.1's native
 * {@code embedding_lookup} computes its result through an inner {@code gather} whose output it never frees, so every
 * call leaked one output-sized buffer (three per forward pass of a BERT, ~9 MB a prediction batch of the mini BERT;
 * found with jemalloc's heap profiler, BENCHMARKS.md "The native memory leak"). {@link #opHash()} is the hook: the
 * executioner picks the native op by it.
 *
 * <p>{@code ids} must be 1-D integers; reshape [B,S] ids to [B·S] first (see {@link Layers#embedding}).
 */
public class EmbeddingLookupOp extends DynamicCustomOp {
    public static final String OP_NAME = "embedding_lookup";
    /** The native op that computes the forward pass. */
    static final String NATIVE_OP = "gather";
    /** Tables with at most this many rows (and a static shape) get the one-hot product gradient, larger ones a
     *  scatter-add. */
    static final long ONE_HOT_MAX_ROWS = 1024;

    private long nativeHash;

    /** For SameDiff's reflection; do not use. */
    public EmbeddingLookupOp() {}

    public EmbeddingLookupOp(SameDiff sd, SDVariable table, SDVariable ids) {
        super(null, sd, new SDVariable[] {table, ids});
        addIArgument(0); // gather's axis 0 (for embedding_lookup, partition mode "mod", which a single table ignores)
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    /** The native {@code gather}'s hash, by which the executioner runs the forward pass (see the class comment). */
    @Override
    public long opHash() {
        if (nativeHash == 0) nativeHash = nativeHash(NATIVE_OP);
        return nativeHash;
    }

    static long nativeHash(String nativeOp) {
        var desc = org.nd4j.linalg.factory.Nd4j.getExecutioner().getCustomOperations().get(nativeOp);
        if (desc == null) throw new IllegalStateException("ND4J has no native op '" + nativeOp + "'");
        return desc.getHash();
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> dataTypes) {
        return List.of(dataTypes.get(0));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SDVariable table = arg(0);
        SDVariable ids = arg(1);
        SDVariable g = gradients.get(0);
        // only a parameter's shape is fixed; an activation table (selectRows) has as many rows as the batch has tokens
        long[] shape = table.getVariableType() == VariableType.VARIABLE ? table.getShape() : null;
        if (shape != null && shape.length == 2 && shape[0] > 0 && shape[0] <= ONE_HOT_MAX_ROWS) {
            // a small table (positions, token types): dTable = onehot(ids)ᵀ · dOut, one matrix product. M2.1's
            // unsorted_segment_sum costs ~8 ns per upstream element whatever the table size (13-17 ms for a mini
            // step's [2048, 256] into 2 or 512 rows); the product costs 2·rows flops per element (BENCHMARKS.md,
            // "Embedding backward")
            SDVariable oneHot = sameDiff.oneHot(ids, (int) shape[0], -1, 1.0, 0.0, g.dataType());
            return List.of(sameDiff.mmul(oneHot, g, true, false, false), sameDiff.zerosLike(ids));
        }
        // scatter-add into zeros, not unsorted_segment_sum: M2.1's native unsorted_segment_sum leaks an output-sized
        // buffer per call (8 MB for the mini BERT's word table, every training step) and is wrong for a single input
        // row. scatter_add leaks nothing, but its threads race on repeated ids unless its "lock" flag (boolean
        // argument 0) makes it one thread, which is still faster than the segment sum at 2 threads
        // (BENCHMARKS.md "The native memory leak")
        ScatterAdd scatter = new ScatterAdd(sameDiff, sameDiff.zerosLike(table), ids, g);
        scatter.addBArgument(true);
        SDVariable dTable = scatter.outputVariable();
        return List.of(dTable, sameDiff.zerosLike(ids));
    }
}
