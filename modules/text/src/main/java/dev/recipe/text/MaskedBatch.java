package dev.recipe.text;

/**
 * A masked-LM batch.
 *
 * @param inputIds the ids after masking, {@code [batch][seqLen]}
 * @param attentionMask unchanged, 1 = real token, 0 = padding
 * @param maskedFlatIndex the selected positions as indices into the row-major flattened {@code [batch * seqLen]}
 *     array, strictly increasing (the rows HF keeps where {@code labels != -100})
 * @param maskedLabel the original id at each selected position (the MLM targets)
 */
public record MaskedBatch(int[][] inputIds, int[][] attentionMask, int[] maskedFlatIndex, int[] maskedLabel) {
    public MaskedBatch {
        if (maskedFlatIndex.length != maskedLabel.length) {
            throw new IllegalArgumentException("maskedFlatIndex and maskedLabel differ in length: "
                    + maskedFlatIndex.length + " vs " + maskedLabel.length);
        }
    }

    public int batchSize() {
        return inputIds.length;
    }

    public int seqLen() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /** How many positions are predicted. */
    public int maskedCount() {
        return maskedFlatIndex.length;
    }
}
