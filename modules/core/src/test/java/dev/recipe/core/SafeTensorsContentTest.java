package dev.recipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link SafeTensors#contentSha256}: the tensors' identity, whatever the header's metadata says. */
class SafeTensorsContentTest {
    private static Path write(Path dir, String name, Map<String, INDArray> t, Map<String, String> meta) {
        Path f = dir.resolve(name);
        SafeTensors.write(f, t, meta);
        return f;
    }

    @Test
    void sameTensorsSameHashOtherMetadataOtherFileHash(@TempDir Path tmp) throws Exception {
        INDArray b = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        INDArray a = Nd4j.createFromArray(new int[] {5});
        Path plain = write(tmp, "a.safetensors", Map.of("b", b, "a", a), Map.of("format", "pt"));
        Path withRevision = write(tmp, "b.safetensors", Map.of("a", a, "b", b), Map.of("format", "pt", "git", "0123abc"));
        Path otherValue = write(tmp, "c.safetensors", Map.of("a", a, "b", b.add(1e-3)), Map.of("format", "pt"));
        Path otherShape = write(tmp, "d.safetensors", Map.of("a", a, "b", b.reshape(4)), Map.of("format", "pt"));
        Path otherName = write(tmp, "e.safetensors", Map.of("a", a, "c", b), Map.of("format", "pt"));

        String h = SafeTensors.contentSha256(plain);
        assertNotEquals(Checksums.sha256(plain), Checksums.sha256(withRevision), "the files differ (metadata)");
        assertEquals(h, SafeTensors.contentSha256(withRevision), "the tensors do not");
        assertNotEquals(h, SafeTensors.contentSha256(otherValue));
        assertNotEquals(h, SafeTensors.contentSha256(otherShape));
        assertNotEquals(h, SafeTensors.contentSha256(otherName));

        // the definition, by hand: per tensor in name order, name \0 dtype \0 shape \0 little-endian bytes
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write("a\0I32\0001\0".getBytes(StandardCharsets.UTF_8));
        expected.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(5).array());
        expected.write("b\0F32\0002,2\0".getBytes(StandardCharsets.UTF_8));
        ByteBuffer floats = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {1, 2, 3, 4}) floats.putFloat(v);
        expected.write(floats.array());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected.toByteArray())), h);
    }
}
