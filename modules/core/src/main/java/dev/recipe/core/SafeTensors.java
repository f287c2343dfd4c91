package dev.recipe.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads and writes the safetensors format (HuggingFace): an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets}, "__metadata__": {...}}}, then the raw little-endian tensor bytes.
 * Hand-written because no maintained Java library for it is on Maven Central for Java 17 without native code; the
 * format is 30 lines of spec and never executes code (unlike pickled {@code pytorch_model.bin}).
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    /** Tensors in name order plus the string metadata. */
    public record Contents(Map<String, INDArray> tensors, Map<String, String> metadata) {}

    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata) {
        Map<String, INDArray> sorted = new TreeMap<>(tensors);
        ObjectNode header = Json.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> e : sorted.entrySet()) {
            INDArray a = e.getValue();
            long bytes = a.length() * a.dataType().width();
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtypeName(e.getKey(), a.dataType()));
            var shape = t.putArray("shape");
            for (long d : a.shape()) shape.add(d);
            var off = t.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int pad = (8 - json.length % 8) % 8; // keep tensor data 8-byte aligned, as the reference writer does
        byte[] padded = new byte[json.length + pad];
        System.arraycopy(json, 0, padded, 0, json.length);
        for (int i = json.length; i < padded.length; i++) padded[i] = ' ';
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
            out.write(len.array());
            out.write(padded);
            for (INDArray a : sorted.values()) {
                INDArray c = a.dup('c');
                ByteBuffer buf = c.data().asNio().order(ByteOrder.nativeOrder());
                ByteBuffer le = ByteBuffer.allocate((int) (c.length() * c.dataType().width())).order(ByteOrder.LITTLE_ENDIAN);
                copyLittleEndian(c.dataType(), buf, le);
                out.write(le.array());
            }
        });
    }

    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Header h = header(file, ch);
            JsonNode header = h.json();
            long dataStart = h.dataStart();
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            header.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode t = header.get(name);
                if (name.equals("__metadata__")) {
                    Iterator<Map.Entry<String, JsonNode>> it = t.fields();
                    while (it.hasNext()) {
                        var m = it.next();
                        metadata.put(m.getKey(), m.getValue().asText());
                    }
                    continue;
                }
                DataType dt = dataType(file, name, t.path("dtype").asText());
                JsonNode shapeNode = t.path("shape");
                long[] shape = new long[shapeNode.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong();
                    count *= shape[i];
                }
                long begin = t.path("data_offsets").path(0).asLong(-1);
                long end = t.path("data_offsets").path(1).asLong(-1);
                if (begin < 0 || end < begin || dataStart + end > size) {
                    throw new ConfigException(file + ": tensor '" + name + "' has data_offsets [" + begin + ", " + end
                            + "] outside the " + (size - dataStart) + " data bytes (file truncated?)");
                }
                if (end - begin != count * dt.width()) {
                    throw new ConfigException(file + ": tensor '" + name + "' shape " + java.util.Arrays.toString(shape)
                            + " " + dt + " needs " + count * dt.width() + " bytes but data_offsets span " + (end - begin));
                }
                ByteBuffer data = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + begin);
                data.flip();
                tensors.put(name, toArray(dt, data, shape, count));
            }
            return new Contents(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found (expected a .safetensors file)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * sha256 of the tensors alone, independent of the header's metadata, key order, offsets and padding: for each
     * tensor in name order, its UTF-8 name, a 0 byte, its dtype code, a 0 byte, its shape as comma-separated decimals,
     * a 0 byte, then its raw little-endian bytes. Two files with equal tensors have equal content hashes whatever
     * their metadata says (how, when or by which revision they were written); {@code tools/cells_tensor_sha.py}
     * computes the same value.
     */
    public static String contentSha256(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Header h = header(file, ch);
            JsonNode header = h.json();
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            List<String> names = new ArrayList<>();
            header.fieldNames().forEachRemaining(n -> { if (!n.equals("__metadata__")) names.add(n); });
            java.util.Collections.sort(names);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            for (String name : names) {
                JsonNode t = header.get(name);
                StringBuilder shape = new StringBuilder();
                for (JsonNode d : t.path("shape")) shape.append(shape.length() == 0 ? "" : ",").append(d.asLong());
                md.update((name + "\0" + t.path("dtype").asText() + "\0" + shape + "\0").getBytes(StandardCharsets.UTF_8));
                long pos = h.dataStart() + t.path("data_offsets").path(0).asLong();
                long end = h.dataStart() + t.path("data_offsets").path(1).asLong();
                if (end > size || pos > end) throw new ConfigException(file + ": tensor '" + name + "' data outside the file");
                while (pos < end) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), end - pos));
                    int n = ch.read(chunk, pos);
                    if (n < 0) throw new IOException("unexpected end of file at byte " + pos);
                    md.update(chunk.array(), 0, n);
                    pos += n;
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found (expected a .safetensors file)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The parsed JSON header and the offset of the first data byte. */
    private record Header(JsonNode json, long dataStart) {}

    private static Header header(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) throw new ConfigException(file + ": truncated safetensors file (" + size + " bytes)");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.flip().getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
            throw new ConfigException(file + ": bad safetensors header length " + headerLen + " for a file of "
                    + size + " bytes (truncated or not a safetensors file)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8);
        try {
            return new Header(Json.MAPPER.readTree(new String(hb.array(), StandardCharsets.UTF_8)), 8 + headerLen);
        } catch (IOException e) {
            throw new ConfigException(file + ": safetensors header is not valid JSON: " + e.getMessage());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException("unexpected end of file at byte " + pos);
            pos += n;
        }
    }

    private static INDArray toArray(DataType dt, ByteBuffer le, long[] shape, long count) {
        switch (dt) {
            case FLOAT: { float[] v = new float[(int) count]; le.asFloatBuffer().get(v); return Nd4j.create(v, shape, 'c'); }
            case DOUBLE: { double[] v = new double[(int) count]; le.asDoubleBuffer().get(v); return Nd4j.create(v, shape, 'c'); }
            case LONG: { long[] v = new long[(int) count]; le.asLongBuffer().get(v); return Nd4j.createFromArray(v).reshape(shape); }
            case INT: { int[] v = new int[(int) count]; le.asIntBuffer().get(v); return Nd4j.createFromArray(v).reshape(shape); }
            default: throw new IllegalStateException(dt.toString());
        }
    }

    private static void copyLittleEndian(DataType dt, ByteBuffer src, ByteBuffer dst) {
        switch (dt) {
            case FLOAT: dst.asFloatBuffer().put(src.asFloatBuffer()); break;
            case DOUBLE: dst.asDoubleBuffer().put(src.asDoubleBuffer()); break;
            case LONG: dst.asLongBuffer().put(src.asLongBuffer()); break;
            case INT: dst.asIntBuffer().put(src.asIntBuffer()); break;
            default: throw new IllegalStateException(dt.toString());
        }
    }

    private static String dtypeName(String name, DataType dt) {
        switch (dt) {
            case FLOAT: return "F32";
            case DOUBLE: return "F64";
            case LONG: return "I64";
            case INT: return "I32";
            default: throw new IllegalArgumentException("tensor '" + name + "': unsupported data type " + dt
                    + " (supported: FLOAT, DOUBLE, LONG, INT)");
        }
    }

    private static DataType dataType(Path file, String name, String code) {
        switch (code) {
            case "F32": return DataType.FLOAT;
            case "F64": return DataType.DOUBLE;
            case "I64": return DataType.LONG;
            case "I32": return DataType.INT;
            default: throw new ConfigException(file + ": tensor '" + name + "' has dtype '" + code
                    + "'; supported: F32, F64, I64, I32 (convert F16/BF16 checkpoints to F32 first)");
        }
    }
}
