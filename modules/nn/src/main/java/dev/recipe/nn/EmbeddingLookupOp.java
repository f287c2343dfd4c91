package dev.recipe.nn;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * Row lookup {@code out[i] = table[ids[i]]} (native {@code embedding_lookup}, partition mode "mod") with a gradient
 * that is right: {@code dTable = unsortedSegmentSum(dOut, ids, rows(table))}, O(ids·width) work, no one-hot; for a
 * small table ({@link #ONE_HOT_MAX_ROWS}) the product {@code onehot(ids)ᵀ · dOut}, which is faster there.
 *
 * <p>Why hand-written: in DL4J 1.0.0-M2.1 {@code Gather.doDiff} builds a broken control-flow loop (see
 * PLATFORM-NOTES "known defects" 1), and one-hot × matmul costs O(batch·seq·vocab). The class must stay stateless:
 * when SameDiff builds the gradient graph it re-creates every op from its native hash, so this class is found only
 * because {@link SameDiffFixes#install()} maps the {@code embedding_lookup} hash to it.
 *
 * <p>{@code ids} must be 1-D integers; reshape [B,S] ids to [B·S] first (see {@link Layers#embedding}).
 */
public class EmbeddingLookupOp extends DynamicCustomOp {
    public static final String OP_NAME = "embedding_lookup";
    /** Tables with at most this many rows (and a static shape) get the one-hot product gradient, larger ones the segment sum. */
    static final long ONE_HOT_MAX_ROWS = 1024;

    /** For SameDiff's reflection; do not use. */
    public EmbeddingLookupOp() {}

    public EmbeddingLookupOp(SameDiff sd, SDVariable table, SDVariable ids) {
        super(null, sd, new SDVariable[] {table, ids});
        addIArgument(0); // PartitionMode.MOD: a single table, so the mode does not matter
    }

    @Override
    public String opName() {
        return OP_NAME;
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
        SDVariable rows = sameDiff.sizeAt(table, 0);
        // M2.1's native unsorted_segment_sum is wrong for a single input row ([[1,2,3]] with id 2 into 4 rows gives
        // 1.0 at (0,2) and zeros elsewhere): one masked position, batch size 1 at the pooler. Appending a zero row
        // with id 0 changes no sum and keeps the op on its working path.
        SDVariable zeroRow = sameDiff.zerosLike(g).get(org.nd4j.autodiff.samediff.SDIndex.interval(0, 1));
        SDVariable zeroId = sameDiff.zerosLike(ids).get(org.nd4j.autodiff.samediff.SDIndex.interval(0, 1));
        SDVariable dTable = sameDiff.unsortedSegmentSum(sameDiff.concat(0, g, zeroRow), sameDiff.concat(0, ids, zeroId), rows);
        return List.of(dTable, sameDiff.zerosLike(ids));
    }
}
