package dev.recipe.nn;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * Row lookup {@code out[i] = table[ids[i]]} (native {@code embedding_lookup}, partition mode "mod") with a gradient
 * that is right: {@code dTable = unsortedSegmentSum(dOut, ids, rows(table))}, O(ids·width) work, no one-hot.
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
        SDVariable rows = sameDiff.sizeAt(table, 0);
        // M2.1's native unsorted_segment_sum is wrong for a single input row ([[1,2,3]] with id 2 into 4 rows gives
        // 1.0 at (0,2) and zeros elsewhere): one masked position, batch size 1 at the pooler. Appending a zero row
        // with id 0 changes no sum and keeps the op on its working path.
        SDVariable g = gradients.get(0);
        SDVariable zeroRow = sameDiff.zerosLike(g).get(org.nd4j.autodiff.samediff.SDIndex.interval(0, 1));
        SDVariable zeroId = sameDiff.zerosLike(ids).get(org.nd4j.autodiff.samediff.SDIndex.interval(0, 1));
        SDVariable dTable = sameDiff.unsortedSegmentSum(sameDiff.concat(0, g, zeroRow), sameDiff.concat(0, ids, zeroId), rows);
        return List.of(dTable, sameDiff.zerosLike(ids));
    }
}
