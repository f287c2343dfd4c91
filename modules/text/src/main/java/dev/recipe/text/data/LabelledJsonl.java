package dev.recipe.text.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.recipe.text.LabelledText;
import dev.recipe.text.TextFiles;

/**
 * Reads JSON Lines: one object per non-blank line, e.g. {@code {"text": "a fine film", "label": 1}}, with
 * configurable keys. The text must be a non-empty JSON string (stripped); the label a JSON integer or a string,
 * decoded by a {@link LabelCodec} (a string such as {@code "1"} is accepted by an integer codec, a number is rejected
 * by a name codec). Other keys are ignored. Errors name {@code file:line} (and the column for invalid JSON), the key,
 * and, for a missing key, the keys the object has.
 */
public record LabelledJsonl(String textKey, String labelKey, LabelCodec labels) {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    public LabelledJsonl {
        if (textKey == null || labelKey == null || labels == null) {
            throw new IllegalArgumentException("textKey, labelKey and labels are required");
        }
    }

    /** Keys {@code text} and {@code label}, integer labels. */
    public static LabelledJsonl defaults() {
        return new LabelledJsonl("text", "label", LabelCodec.integers());
    }

    public LabelledJsonl withKeys(String text, String label) {
        return new LabelledJsonl(text, label, labels);
    }

    public LabelledJsonl withLabels(LabelCodec codec) {
        return new LabelledJsonl(textKey, labelKey, codec);
    }

    public List<LabelledText> read(Path file) {
        List<String> lines = TextFiles.readLines(file, "JSON Lines file");
        List<LabelledText> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String where = TextFiles.where(file, i + 1);
            JsonNode object = parse(file, i + 1, lines.get(i));
            JsonNode text = field(object, textKey, where);
            if (!text.isTextual()) {
                throw new IllegalArgumentException(where + ": key '" + textKey + "' must be a string, got " + text);
            }
            if (text.asText().isBlank()) throw new IllegalArgumentException(where + ": empty text in key '" + textKey + "'");
            out.add(new LabelledText(text.asText().strip(), label(field(object, labelKey, where), where)));
        }
        return out;
    }

    /** The distinct label values (as text), sorted: feed them to {@link LabelCodec#derive}. */
    public TreeSet<String> distinctLabels(Path file) {
        List<String> lines = TextFiles.readLines(file, "JSON Lines file");
        TreeSet<String> values = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            values.add(field(parse(file, i + 1, lines.get(i)), labelKey, TextFiles.where(file, i + 1)).asText().strip());
        }
        return values;
    }

    private int label(JsonNode node, String where) {
        if (node.isIntegralNumber() && node.canConvertToInt()) return labels.decode(node.intValue(), where);
        if (node.isTextual()) return labels.decode(node.asText().strip(), where);
        throw new IllegalArgumentException(where + ": key '" + labelKey + "' must be an integer or a string, got " + node);
    }

    private static JsonNode parse(Path file, int line, String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            throw new IllegalArgumentException(TextFiles.where(file, line) + (column > 0 ? ":" + column : "")
                    + ": invalid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(TextFiles.where(file, line) + ": expected a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        return node;
    }

    private static JsonNode field(JsonNode object, String key, String where) {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            List<String> keys = new ArrayList<>();
            object.fieldNames().forEachRemaining(keys::add);
            throw new IllegalArgumentException(where + ": no key '" + key + "'" + (value == null ? "" : " (it is null)")
                    + "; keys are " + keys);
        }
        return value;
    }
}
