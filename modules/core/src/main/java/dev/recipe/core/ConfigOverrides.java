package dev.recipe.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The command line's {@code --set key=value} on a JSON config: {@code training.learningRate=1e-4} replaces (or adds)
 * one key, creating the objects on its dotted path; the value is read as JSON when it parses ({@code 3},
 * {@code true}, {@code ["--lr", "3e-4"]}) and as a string otherwise ({@code experiments/other}). The record the tree
 * is bound to afterwards still rejects unknown keys and bad values, naming them.
 */
public final class ConfigOverrides {
    private ConfigOverrides() {}

    /** Applies each {@code key=value} of {@code sets} (null = none) to {@code root}, in order. */
    public static void apply(ObjectNode root, String[] sets) {
        if (sets == null) return;
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new ConfigException("--set expects key=value, got '" + s + "'");
            String[] path = s.substring(0, eq).split("\\.");
            ObjectNode at = root;
            for (int i = 0; i < path.length - 1; i++) {
                JsonNode child = at.get(path[i]);
                if (child == null) child = at.putObject(path[i]);
                if (!(child instanceof ObjectNode obj)) {
                    throw new ConfigException("--set " + s + ": '" + path[i] + "' is not an object");
                }
                at = obj;
            }
            at.set(path[path.length - 1], value(s.substring(eq + 1)));
        }
    }

    private static JsonNode value(String v) {
        try {
            JsonNode n = Json.MAPPER.readTree(v);
            if (n != null && !n.isMissingNode()) return n;
        } catch (Exception e) {
            // not JSON: a plain string
        }
        return Json.MAPPER.getNodeFactory().textNode(v);
    }
}
