package dev.recipe.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.recipe.core.Json;

/**
 * One row of a results table: a flat, ordered map of column → scalar value, plus a nested provenance map that goes
 * into the JSON output only (CSV and Markdown show {@link #values()}). Put the run id into the values as well if a
 * CSV row must name the run that produced it.
 *
 * <p>Values are normalised so that a JSON round trip gives an equal record: whole numbers become {@link Long},
 * floating-point numbers {@link Double}; strings, booleans and null stay as they are. Anything else, and NaN or
 * infinite numbers, are rejected (write null for "undefined"). Provenance may nest maps and lists of such values;
 * any other object (e.g. {@link dev.recipe.core.Provenance}) is converted through Jackson.
 */
@JsonPropertyOrder({"values", "provenance"})
public record ResultRecord(Map<String, Object> values, Map<String, Object> provenance) {

    public ResultRecord {
        values = Collections.unmodifiableMap(normaliseValues(values));
        provenance = Collections.unmodifiableMap(normaliseMap(provenance == null ? Map.of() : provenance, "provenance"));
    }

    public static Builder builder() { return new Builder(); }

    /** The value of column {@code key}, or null. */
    public Object get(String key) { return values.get(key); }

    /** A copy with one more (or a replaced) column, appended at the end if new. */
    public ResultRecord with(String key, Object value) {
        Map<String, Object> v = new LinkedHashMap<>(values);
        v.put(key, value);
        return new ResultRecord(v, provenance);
    }

    /** Builds a record column by column, in the order the columns should appear. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, Object> provenance = new LinkedHashMap<>();

        public Builder put(String key, Object value) {
            values.put(key, value);
            return this;
        }

        public Builder putAll(Map<String, ?> more) {
            values.putAll(more);
            return this;
        }

        public Builder provenance(String key, Object value) {
            provenance.put(key, value);
            return this;
        }

        /** Adds every property of {@code source} (a map, a record such as {@code Provenance}, any Jackson bean). */
        @SuppressWarnings("unchecked")
        public Builder provenance(Object source) {
            provenance.putAll(source instanceof Map<?, ?> m ? (Map<String, Object>) m : Json.MAPPER.convertValue(source, Map.class));
            return this;
        }

        public ResultRecord build() { return new ResultRecord(values, provenance); }
    }

    private static Map<String, Object> normaliseValues(Map<String, Object> in) {
        if (in == null) throw new IllegalArgumentException("values are required");
        Map<String, Object> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            checkKey(k, "values");
            Object n = normaliseScalar(v, k);
            if (n == UNSUPPORTED) {
                throw new IllegalArgumentException("value of '" + k + "' must be a string, number, boolean or null, not "
                        + v.getClass().getSimpleName() + " (results tables are flat)");
            }
            out.put(k, n);
        });
        return out;
    }

    private static void checkKey(Object k, String where) {
        if (!(k instanceof String s) || s.isBlank()) throw new IllegalArgumentException(where + ": keys must be non-blank strings, got '" + k + "'");
    }

    private static final Object UNSUPPORTED = new Object();

    private static Object normaliseScalar(Object v, String key) {
        if (v == null || v instanceof String || v instanceof Boolean) return v;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) throw new IllegalArgumentException("value of '" + key + "' is " + d + "; write null for an undefined number");
            return d;
        }
        return UNSUPPORTED;
    }

    private static Map<String, Object> normaliseMap(Map<?, ?> in, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            checkKey(k, path);
            out.put((String) k, normaliseNested(v, path + "." + k));
        });
        return out;
    }

    private static Object normaliseNested(Object v, String path) {
        Object scalar = normaliseScalar(v, path);
        if (scalar != UNSUPPORTED) return scalar;
        if (v instanceof Map<?, ?> m) return Collections.unmodifiableMap(normaliseMap(m, path));
        if (v instanceof Iterable<?> it) {
            List<Object> list = new ArrayList<>();
            for (Object o : it) list.add(normaliseNested(o, path + "[]"));
            return Collections.unmodifiableList(list);
        }
        // arrays, records, enums, beans: through Jackson's tree model, then again
        Object converted = Json.MAPPER.convertValue(v, Object.class);
        if (converted == null || converted.getClass() == v.getClass()) {
            throw new IllegalArgumentException(path + ": cannot store a " + v.getClass().getSimpleName() + " in provenance");
        }
        return normaliseNested(converted, path);
    }
}
