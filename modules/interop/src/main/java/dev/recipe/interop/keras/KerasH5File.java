package dev.recipe.interop.keras;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

/**
 * The contents of a Keras 2 HDF5 model file ({@code model.save("m.h5")}) read into memory: the {@code model_config}
 * JSON, {@code keras_version}, {@code backend}, and every layer's weights from {@code model_weights/<layer>} in the
 * order of the layer's {@code weight_names} attribute. The file is closed when this returns.
 *
 * <p>HDF5 is read with <b>jhdf</b> ({@code io.jhdf:jhdf}), a maintained pure-Java HDF5 reader: no native library
 * (DL4J's own {@code Hdf5Archive} needs the javacpp hdf5 natives, one more platform-specific download and a native
 * crash risk on malformed input), and its failures are Java exceptions that this class turns into
 * {@link KerasImportException}s naming the file. Before jhdf sees the file, the HDF5 signature and the superblock's
 * end-of-file address are checked, so a non-HDF5 file or a truncated copy fails with a message saying exactly that
 * (jhdf alone reads a file cut short by a few bytes without complaint when no object lies in the missing tail).
 */
public final class KerasH5File {
    /** HDF5's format signature; it sits at byte 0 or, after a user block, at 512, 1024, 2048, ... */
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** One stored weight: its Keras name (e.g. {@code conv1/kernel:0}), shape and values (float[] or double[]). */
    public record Weight(String name, long[] shape, Object values) {
        public Weight {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The name's last path element without the {@code :0} suffix: {@code kernel}, {@code bias}, {@code alpha}... */
        public String role() {
            String n = name.substring(name.lastIndexOf('/') + 1);
            int colon = n.indexOf(':');
            return colon >= 0 ? n.substring(0, colon) : n;
        }
    }

    private final Path file;
    private final String modelConfig;
    private final String kerasVersion;
    private final String backend;
    private final Map<String, List<Weight>> weights;

    private KerasH5File(Path file, String modelConfig, String kerasVersion, String backend, Map<String, List<Weight>> weights) {
        this.file = file;
        this.modelConfig = modelConfig;
        this.kerasVersion = kerasVersion;
        this.backend = backend;
        this.weights = weights;
    }

    public Path file() {
        return file;
    }

    /** The {@code model_config} attribute: the model's architecture as Keras JSON. */
    public String modelConfig() {
        return modelConfig;
    }

    /** {@code keras_version}, or "unknown" when the file does not say. */
    public String kerasVersion() {
        return kerasVersion;
    }

    /** {@code backend} (e.g. tensorflow), or "unknown". */
    public String backend() {
        return backend;
    }

    /** Weights by layer name, each list in the order of the layer's {@code weight_names}; layers without weights absent. */
    public Map<String, List<Weight>> weights() {
        return weights;
    }

    /** Reads {@code file}; every failure is a {@link KerasImportException} whose message starts with the file's path. */
    public static KerasH5File read(Path file) {
        long offset = checkHdf5(file);
        try (HdfFile h5 = new HdfFile(file)) {
            if (offset != 0 && h5.getUserBlockSize() != offset) {
                throw new KerasImportException(file + ": HDF5 signature at byte " + offset + " but jhdf found a user block of "
                        + h5.getUserBlockSize() + " bytes");
            }
            String config = stringAttribute(h5, "model_config", file);
            if (config == null) {
                String what = h5.getAttribute("layer_names") != null
                        ? "a weights-only file (model.save_weights): it has layer_names but no model_config"
                        : "no model_config attribute at the root";
                throw new KerasImportException(file + ": not a whole Keras model: " + what
                        + "; expected an HDF5 file written by Keras's model.save(...), with the architecture in the root "
                        + "attribute model_config and the weights in the group model_weights");
            }
            String version = stringAttribute(h5, "keras_version", file);
            String backend = stringAttribute(h5, "backend", file);
            Node mw = h5.getChild("model_weights");
            Map<String, List<Weight>> weights = mw instanceof Group g ? readWeights(g, file) : Map.of();
            if (mw != null && !(mw instanceof Group)) throw new KerasImportException(file + ": model_weights is not a group");
            return new KerasH5File(file, config, version == null ? "unknown" : version,
                    backend == null ? "unknown" : backend, weights);
        } catch (KerasImportException e) {
            throw e;
        } catch (RuntimeException | InternalError e) {
            // jhdf's HdfException and the buffer/format errors of a damaged file; InternalError is what the JVM
            // raises for a fault inside a memory-mapped region
            throw new KerasImportException(file + ": cannot read the HDF5 structure (corrupt or truncated file?): " + e, e);
        }
    }

    /**
     * Checks that {@code file} exists, starts with the HDF5 signature (at byte 0 or after a user block) and is at
     * least as long as its superblock's end-of-file address says; returns the signature's offset.
     */
    static long checkHdf5(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw new KerasImportException(file + ": not a Keras HDF5 model: the file is empty");
            long offset = -1;
            for (long at = 0; at + SIGNATURE.length <= size; at = at == 0 ? 512 : at * 2) {
                ByteBuffer b = ByteBuffer.allocate(SIGNATURE.length);
                ch.read(b, at);
                if (Arrays.equals(b.array(), SIGNATURE)) {
                    offset = at;
                    break;
                }
            }
            if (offset < 0) {
                ByteBuffer head = ByteBuffer.allocate((int) Math.min(8, size));
                ch.read(head, 0);
                throw new KerasImportException(file + ": not an HDF5 file: expected the HDF5 signature \\211HDF\\r\\n\\032\\n "
                        + "at byte 0 (or 512, 1024, ... after a user block), found " + describe(head.array())
                        + " (" + size + " bytes); a Keras model must be saved in the HDF5 format (model.save(\"m.h5\"))");
            }
            Superblock sb;
            try {
                sb = Superblock.readSuperblock(ch, offset);
            } catch (RuntimeException e) {
                String what = size - offset < 128 ? "truncated HDF5 file: only " + size + " bytes, too few for the superblock"
                        : "damaged HDF5 superblock at byte " + offset + " (" + size + " bytes in the file)";
                throw new KerasImportException(file + ": " + what + ": " + e.getMessage(), e);
            }
            long end = sb.getBaseAddressByte() + sb.getEndOfFileAddress();
            if (end > size) {
                throw new KerasImportException(file + ": truncated HDF5 file: its superblock says the data ends at byte "
                        + end + " but the file has only " + size + " bytes (an incomplete download or copy?)");
            }
            return offset;
        } catch (NoSuchFileException e) {
            throw new KerasImportException(file + ": no such file", e);
        } catch (IOException e) {
            throw new KerasImportException(file + ": cannot read: " + e, e);
        }
    }

    private static String describe(byte[] head) {
        StringBuilder sb = new StringBuilder("bytes [");
        for (int i = 0; i < head.length; i++) sb.append(i > 0 ? " " : "").append(String.format("%02x", head[i] & 0xff));
        String text = new String(head, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", ".");
        return sb.append("] \"").append(text).append('"').toString();
    }

    /** A root attribute as a string (jhdf gives String for HDF5 strings; byte arrays are decoded as UTF-8). */
    private static String stringAttribute(Node node, String name, Path file) {
        Attribute a = node.getAttribute(name);
        if (a == null || a.isEmpty()) return null;
        Object d = a.getData();
        if (d instanceof String s) return s;
        if (d instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
        if (d instanceof String[] arr && arr.length == 1) return arr[0];
        throw new KerasImportException(file + ": attribute " + name + " of " + node.getPath() + " is a "
                + d.getClass().getSimpleName() + ", expected a string");
    }

    private static String[] stringsAttribute(Node node, String name, Path file) {
        Attribute a = node.getAttribute(name);
        if (a == null || a.isEmpty()) return new String[0];
        Object d = a.getData();
        if (d instanceof String[] arr) return arr;
        if (d instanceof String s) return new String[] {s};
        throw new KerasImportException(file + ": attribute " + name + " of " + node.getPath() + " is a "
                + d.getClass().getSimpleName() + ", expected an array of strings");
    }

    private static Map<String, List<Weight>> readWeights(Group modelWeights, Path file) {
        Map<String, List<Weight>> out = new LinkedHashMap<>();
        String[] layerNames = stringsAttribute(modelWeights, "layer_names", file);
        if (layerNames.length == 0) {
            throw new KerasImportException(file + ": model_weights has no layer_names attribute (not written by Keras?)");
        }
        for (String layer : layerNames) {
            Node n = modelWeights.getChild(layer);
            if (!(n instanceof Group g)) {
                throw new KerasImportException(file + ": model_weights lists layer '" + layer + "' but has no group for it (truncated file?)");
            }
            String[] names = stringsAttribute(g, "weight_names", file);
            List<Weight> ws = new ArrayList<>();
            for (String w : names) {
                Node d = g.getByPath(w);
                if (!(d instanceof Dataset ds)) {
                    throw new KerasImportException(file + ": layer '" + layer + "' lists weight '" + w + "' but "
                            + "model_weights/" + layer + "/" + w + " is not a dataset");
                }
                Object flat = ds.getDataFlat();
                if (!(flat instanceof float[]) && !(flat instanceof double[])) {
                    throw new KerasImportException(file + ": weight '" + w + "' of layer '" + layer + "' holds "
                            + ds.getJavaType() + " values; expected float32 or float64");
                }
                ws.add(new Weight(w, ds.getDimensionsAsLong(), flat));
            }
            if (!ws.isEmpty()) out.put(layer, List.copyOf(ws));
        }
        return out;
    }
}
