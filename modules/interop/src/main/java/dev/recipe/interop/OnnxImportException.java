package dev.recipe.interop;

/**
 * An ONNX file that cannot be turned into a SameDiff graph: unreadable, malformed or truncated, or using operators
 * or attributes the translator does not cover. The message always names the file and what was wrong.
 */
public class OnnxImportException extends RuntimeException {
    public OnnxImportException(String message) {
        super(message);
    }

    public OnnxImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
