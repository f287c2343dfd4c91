package dev.recipe.interop.keras;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.recipe.core.SharedData;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged, foreign and unsupported files fail fast with one clear message naming the file and what was expected. */
class KerasErrorsTest {
    @TempDir
    Path dir;

    private static KerasImportException importFails(Path file) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(KerasImportException.class, () -> KerasImporter.importModel(file)));
    }

    private static void assertMentions(KerasImportException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    @Test
    void truncatedCopiesOf48netFailWithTheFileAndTheMissingBytes() throws IOException {
        Path original = SharedData.require(Keras48netTest.FILE);
        byte[] all = Files.readAllBytes(original);
        for (int size : new int[] {all.length - 10, all.length / 2, 3000, 100, 9}) {
            Path cut = dir.resolve("48net_cut_" + size + ".h5");
            Files.write(cut, Arrays.copyOf(all, size));
            KerasImportException e = importFails(cut);
            System.out.println("truncated to " + size + " bytes: " + e.getMessage());
            assertMentions(e, cut.toString(), "truncated HDF5 file", "only " + size + " bytes");
        }
    }

    @Test
    void nonHdf5FilesAreRejectedByTheirSignature() throws IOException {
        Path text = dir.resolve("model.h5");
        Files.writeString(text, "{\"class_name\": \"Sequential\"} -- a JSON file renamed to .h5\n");
        KerasImportException e = importFails(text);
        System.out.println("text file: " + e.getMessage());
        assertMentions(e, text.toString(), "not an HDF5 file", "expected the HDF5 signature", "\"{\"class_");

        Path zip = dir.resolve("model.keras");
        Files.write(zip, new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
        assertMentions(importFails(zip), zip.toString(), "not an HDF5 file", "50 4b 03 04");

        Path empty = dir.resolve("empty.h5");
        Files.write(empty, new byte[0]);
        assertMentions(importFails(empty), empty.toString(), "the file is empty");

        Path missing = dir.resolve("absent.h5");
        assertMentions(importFails(missing), missing.toString(), "no such file");
    }

    @Test
    void weightsOnlyFileIsNotTakenForAModel() {
        Path f = dir.resolve("weights.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putAttribute("layer_names", new String[] {"dense_1"});
            w.putAttribute("keras_version", "2.2.4");
            w.putGroup("dense_1");
        }
        assertMentions(importFails(f), f.toString(), "weights-only file", "model.save");
    }

    @Test
    void everyUnsupportedLayerIsListedInOneError() {
        Path f = dir.resolve("unsupported.h5");
        String cfg = """
                {"class_name": "Model", "config": {"name": "m", "layers": [
                  {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 8, 8, 3], "dtype": "float32"}, "inbound_nodes": []},
                  {"class_name": "Conv2D", "name": "ok", "config": {"name": "ok", "filters": 2, "kernel_size": [3, 3], "activation": "relu", "use_bias": false}, "inbound_nodes": [[["in", 0, 0, {}]]]},
                  {"class_name": "Conv2D", "name": "hard", "config": {"name": "hard", "filters": 2, "kernel_size": [3, 3], "activation": "hard_sigmoid", "use_bias": false}, "inbound_nodes": [[["ok", 0, 0, {}]]]},
                  {"class_name": "Lambda", "name": "lambda_1", "config": {"name": "lambda_1"}, "inbound_nodes": [[["hard", 0, 0, {}]]]},
                  {"class_name": "Reshape", "name": "seq", "config": {"name": "seq", "target_shape": [4, 4]}, "inbound_nodes": [[["lambda_1", 0, 0, {}]]]},
                  {"class_name": "LSTM", "name": "lstm_1", "config": {"name": "lstm_1", "units": 4}, "inbound_nodes": [[["seq", 0, 0, {}]]]},
                  {"class_name": "Lambda", "name": "lambda_2", "config": {"name": "lambda_2"}, "inbound_nodes": [[["lstm_1", 0, 0, {}]]]},
                  {"class_name": "MaxPooling2D", "name": "pool", "config": {"name": "pool", "padding": "causal"}, "inbound_nodes": [[["ok", 0, 0, {}]]]}
                ], "input_layers": [["in", 0, 0]], "output_layers": [["lambda_2", 0, 0], ["pool", 0, 0]]}}""";
        KerasTestFiles.Weights w = new KerasTestFiles.Weights(1);
        w.random("ok", "kernel", -1, 1, 3, 3, 3, 2);
        w.random("hard", "kernel", -1, 1, 3, 3, 2, 2);
        w.random("lstm_1", "kernel", -1, 1, 4, 16);
        KerasTestFiles.write(f, cfg, List.of("in", "ok", "hard", "lambda_1", "seq", "lstm_1", "lambda_2", "pool"), w);
        KerasImportException e = importFails(f);
        System.out.println("unsupported: " + e.getMessage());
        assertMentions(e, f.toString(), "5 Keras layer(s) cannot be imported", "LSTM (lstm_1)", "Lambda (lambda_1, lambda_2)",
                "Conv2D 'hard': activation 'hard_sigmoid'", "MaxPooling2D 'pool': padding 'causal'", "Supported layer classes:");
        assertFalse(e.getMessage().contains("'ok'"), e.getMessage());
    }

    @Test
    void weightOfTheWrongShapeNamesLayerAndShapes() {
        Path f = dir.resolve("badshape.h5");
        String cfg = """
                {"class_name": "Sequential", "config": [
                  {"class_name": "Conv2D", "config": {"name": "c", "batch_input_shape": [null, 5, 5, 2], "filters": 3, "kernel_size": [2, 2], "activation": "linear", "use_bias": true}},
                  {"class_name": "Flatten", "config": {"name": "f"}}]}""";
        KerasTestFiles.Weights w = new KerasTestFiles.Weights(2);
        w.random("c", "kernel", -1, 1, 2, 2, 3, 3); // in-channels 3, but the input has 2
        w.random("c", "bias", -1, 1, 3);
        KerasTestFiles.write(f, cfg, List.of("c", "f"), w);
        assertMentions(importFails(f), f.toString(), "Conv2D 'c'", "weight 'kernel' has shape [2, 2, 3, 3], expected [2, 2, 2, 3]");
    }
}
