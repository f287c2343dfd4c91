package dev.recipe.train;

import dev.recipe.core.Checksums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves and restores the complete training state of a graph: every variable array (trainable and frozen), the
 * optimizer state (AdamW's moments; SGD's momentum buffers as first moments and zeros as second) and a
 * {@link TrainerState}. Arrays are written with {@code Nd4j.toByteArray} (the format of {@code Nd4j.write}), which
 * round-trips bit-exactly, under {@code variables/}, {@code adam_m/} and {@code adam_v/};
 * the SHA-256 of each file is recorded and checked on restore.
 */
public final class TrainingCheckpoint {
    private TrainingCheckpoint() {}

    /**
     * Writes the checkpoint of {@code state.step()} into {@code store} (atomically) and returns its directory. The
     * array entries of {@code state} are ignored and replaced by those of the files written.
     */
    public static Path write(CheckpointStore store, TrainerState state, SameDiff sd, VariableSelection sel,
                             Optimizer opt) {
        return store.write(state.step(), dir -> {
            List<TrainerState.ArrayEntry> vars = writeAll(dir, "variables", sel.all(), name -> arrayOf(sd, name));
            List<TrainerState.ArrayEntry> m = writeAll(dir, "adam_m", sel.trainable(),
                    name -> moment(opt.firstMoments(), name, sd));
            List<TrainerState.ArrayEntry> v = writeAll(dir, "adam_v", sel.trainable(),
                    name -> moment(opt.secondMoments(), name, sd));
            TrainerState full = new TrainerState(state.formatVersion(), state.step(), state.epoch(),
                    state.indexInEpoch(), state.totalSteps(), state.config(), vars, sel.trainable(), m, v,
                    state.losses());
            Files.writeString(dir.resolve(CheckpointStore.STATE_FILE), CheckpointStore.toJson(full));
        });
    }

    /**
     * Restores variables and optimizer state from checkpoint directory {@code dir} into {@code sd} and {@code opt},
     * after checking that the checkpoint fits: the same trajectory-relevant config, the same variable names, shapes
     * and data types as the graph, and intact files. Nothing is changed when a check fails.
     *
     * @return the checkpoint's state
     * @throws IllegalStateException naming the first mismatching config field or variable (expected vs found shape)
     */
    public static TrainerState restore(Path dir, SameDiff sd, VariableSelection sel, TrainConfig cfg, Optimizer opt) {
        TrainerState state = CheckpointStore.readState(dir);
        if (state.formatVersion() != TrainerState.FORMAT_VERSION) {
            throw new IllegalStateException("checkpoint " + dir + " has format version " + state.formatVersion()
                    + ", this trainer reads version " + TrainerState.FORMAT_VERSION);
        }
        String field = state.config().firstTrajectoryDifference(cfg);
        if (field != null) {
            throw new IllegalStateException("checkpoint " + dir + " was written with a different config: " + field
                    + " differs (checkpoint " + state.config() + ", this run " + cfg
                    + "); resume with the same config or start in a new checkpoint directory");
        }
        checkVariables(dir, state, sd, sel);
        Map<String, INDArray> vars = readAll(dir, state.variables());
        Map<String, INDArray> m = readAll(dir, state.adamM());
        Map<String, INDArray> v = readAll(dir, state.adamV());
        if (!new ArrayList<>(m.keySet()).equals(sel.trainable()) || !m.keySet().equals(v.keySet())) {
            throw new IllegalStateException("checkpoint " + dir + " holds optimizer moments for " + m.keySet()
                    + " but the trainable variables are " + sel.trainable());
        }
        vars.forEach((name, arr) -> {
            INDArray target = sd.getArrForVarName(name);
            if (target == null) sd.setArrayForVariable(name, arr);
            else target.assign(arr);
        });
        opt.restore(state.step(), m, v);
        return state;
    }

    private static void checkVariables(Path dir, TrainerState state, SameDiff sd, VariableSelection sel) {
        Map<String, TrainerState.ArrayEntry> byName = new LinkedHashMap<>();
        for (TrainerState.ArrayEntry e : state.variables()) byName.put(e.name(), e);
        for (String name : sel.all()) {
            INDArray arr = arrayOf(sd, name);
            TrainerState.ArrayEntry e = byName.remove(name);
            String expected = Arrays.toString(arr.shape());
            if (e == null) {
                throw new IllegalStateException("checkpoint " + dir + " does not match the graph: variable '" + name
                        + "' expected shape " + expected + ", found no such variable in the checkpoint");
            }
            if (!Arrays.equals(arr.shape(), e.shape()) || !arr.dataType().name().equals(e.dataType())) {
                throw new IllegalStateException("checkpoint " + dir + " does not match the graph: variable '" + name
                        + "' expected shape " + expected + " " + arr.dataType() + ", found "
                        + Arrays.toString(e.shape()) + " " + e.dataType());
            }
        }
        if (!byName.isEmpty()) {
            TrainerState.ArrayEntry e = byName.values().iterator().next();
            throw new IllegalStateException("checkpoint " + dir + " does not match the graph: variable '" + e.name()
                    + "' expected no such variable (not in the graph), found shape " + Arrays.toString(e.shape()));
        }
    }

    private interface ArraySupplier {
        INDArray get(String name);
    }

    private static List<TrainerState.ArrayEntry> writeAll(Path dir, String sub, List<String> names,
                                                          ArraySupplier arrays) throws IOException {
        Files.createDirectories(dir.resolve(sub));
        List<TrainerState.ArrayEntry> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            INDArray arr = arrays.get(name);
            byte[] bytes = Nd4j.toByteArray(arr);
            String file = sub + "/" + String.format("%04d", i) + "-" + safe(name) + ".nd4j";
            Files.write(dir.resolve(file), bytes);
            out.add(new TrainerState.ArrayEntry(name, file, arr.dataType().name(), arr.shape(),
                    Checksums.sha256(bytes)));
        }
        return out;
    }

    private static Map<String, INDArray> readAll(Path dir, List<TrainerState.ArrayEntry> entries) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (TrainerState.ArrayEntry e : entries) {
            Path file = dir.resolve(e.file());
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read " + file + ": " + ex.getMessage(), ex);
            }
            String sha = Checksums.sha256(bytes);
            if (!sha.equals(e.sha256())) {
                throw new IllegalStateException("checkpoint file " + file + " is corrupt: sha256 " + sha
                        + ", expected " + e.sha256());
            }
            INDArray arr = Nd4j.fromByteArray(bytes);
            if (!Arrays.equals(arr.shape(), e.shape()) || !arr.dataType().name().equals(e.dataType())) {
                throw new IllegalStateException("checkpoint file " + file + " holds " + Arrays.toString(arr.shape())
                        + " " + arr.dataType() + ", its entry says " + Arrays.toString(e.shape()) + " "
                        + e.dataType());
            }
            out.put(e.name(), arr);
        }
        return out;
    }

    private static INDArray arrayOf(SameDiff sd, String name) {
        INDArray arr = sd.getArrForVarName(name);
        if (arr == null) throw new IllegalStateException("variable '" + name + "' has no array");
        return arr;
    }

    private static INDArray moment(Map<String, INDArray> moments, String name, SameDiff sd) {
        INDArray m = moments.get(name);
        return m != null ? m : Nd4j.zerosLike(arrayOf(sd, name));
    }

    private static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() > 100 ? s.substring(0, 100) : s;
    }
}
