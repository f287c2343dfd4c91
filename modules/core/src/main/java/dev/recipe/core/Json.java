package dev.recipe.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON binding for configs and records: unknown keys fail with the key, the file and the keys that are allowed;
 * output has a canonical key order so that its checksum identifies a config.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private Json() {}

    public static <T> T read(Path file, Class<T> type) {
        try {
            return MAPPER.readValue(Files.readAllBytes(file), type);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found (expected a JSON " + type.getSimpleName() + ")");
        } catch (IOException e) {
            throw bindingError(e, type, file.toString());
        }
    }

    /** The JSON object in {@code file}; a missing file, broken JSON or another top-level value fails naming the file. */
    public static ObjectNode readTree(Path file) {
        try {
            JsonNode tree = MAPPER.readTree(Files.readAllBytes(file));
            if (!(tree instanceof ObjectNode o)) throw new ConfigException(file + ": expected a JSON object");
            return o;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found (expected a JSON object)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read JSON: " + rootMessage(e));
        }
    }

    /** Binds {@code tree} to {@code type}; unknown keys and wrong types fail naming {@code source} and the key. */
    public static <T> T convert(JsonNode tree, Class<T> type, String source) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (IOException | IllegalArgumentException e) {
            throw bindingError(e, type, source);
        }
    }

    /**
     * The one wording of a binding failure, for files ({@link #read}: with the line) and trees ({@link #convert}: a
     * tree has no lines): which key, where (dotted path and line when known), and what is allowed.
     */
    private static ConfigException bindingError(Exception e, Class<?> type, String source) {
        if (e instanceof UnrecognizedPropertyException u) {
            return new ConfigException(source + ": unknown key '" + u.getPropertyName() + "'" + at(u)
                    + "; allowed keys: " + u.getKnownPropertyIds());
        }
        if (e instanceof MismatchedInputException m) {
            String key = m.getPath().isEmpty() ? "" : m.getPath().get(m.getPath().size() - 1).getFieldName();
            return new ConfigException(source + ": key '" + key + "' is missing or has the wrong type" + at(m) + ": "
                    + m.getOriginalMessage());
        }
        return new ConfigException(source + ": cannot read " + type.getSimpleName() + ": " + rootMessage(e));
    }

    /** " (at a.b[2], line 7)": the key's path and, when the input had lines, its line; "" when neither is known. */
    private static String at(JsonMappingException e) {
        StringBuilder p = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) p.append(p.length() == 0 ? "" : ".").append(ref.getFieldName());
            else if (ref.getIndex() >= 0) p.append('[').append(ref.getIndex()).append(']');
        }
        int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        if (line > 0) p.append(p.length() == 0 ? "" : ", ").append("line ").append(line);
        return p.length() == 0 ? "" : " (at " + p + ")";
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, Object value) {
        AtomicFiles.writeString(file, write(value));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : e.getMessage();
    }
}
