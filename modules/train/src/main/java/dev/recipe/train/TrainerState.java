package dev.recipe.train;

import java.util.Arrays;
import java.util.List;

/**
 * Contents of a checkpoint's {@code trainer-state.json}: where training stands and what the array files are.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param step          optimizer steps completed (the directory is {@code step-<step>})
 * @param epoch         0-based epoch of the next batch to train on
 * @param indexInEpoch  0-based index of that batch within its epoch
 * @param totalSteps    steps of the whole run
 * @param config        the run's configuration
 * @param variables     every variable of the graph (trainable and frozen), sorted by name
 * @param trainable     names of the trained variables, sorted by name
 * @param adamM         AdamW first moments of the trainable variables
 * @param adamV         AdamW second moments of the trainable variables
 * @param losses        loss of every step so far ({@code losses.get(i)} is step {@code i + 1})
 */
public record TrainerState(int formatVersion, long step, int epoch, int indexInEpoch, long totalSteps,
                           TrainConfig config, List<ArrayEntry> variables, List<String> trainable,
                           List<ArrayEntry> adamM, List<ArrayEntry> adamV, List<Double> losses) {
    /** The version of this layout. */
    public static final int FORMAT_VERSION = 1;

    public TrainerState {
        variables = List.copyOf(variables);
        trainable = List.copyOf(trainable);
        adamM = List.copyOf(adamM);
        adamV = List.copyOf(adamV);
        losses = List.copyOf(losses);
    }

    /**
     * One array file of a checkpoint, written with {@code Nd4j.write} and read back with {@code Nd4j.read}.
     *
     * @param name     SameDiff variable name
     * @param file     path of the file relative to the checkpoint directory
     * @param dataType ND4J data type name
     * @param shape    array shape
     * @param sha256   SHA-256 of the file's bytes
     */
    public record ArrayEntry(String name, String file, String dataType, long[] shape, String sha256) {
        public ArrayEntry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArrayEntry e && name.equals(e.name) && file.equals(e.file)
                    && dataType.equals(e.dataType) && Arrays.equals(shape, e.shape) && sha256.equals(e.sha256);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + " " + dataType + " " + file;
        }
    }
}
