package dev.recipe.interop.keras;

/**
 * A Keras HDF5 file that cannot be turned into a SameDiff graph: missing, not HDF5, truncated or corrupt, not a whole
 * Keras model (e.g. a weights-only file), or using layers or settings the translator does not cover. The message
 * always names the file, and the layer where one is at fault.
 */
public class KerasImportException extends RuntimeException {
    public KerasImportException(String message) {
        super(message);
    }

    public KerasImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
