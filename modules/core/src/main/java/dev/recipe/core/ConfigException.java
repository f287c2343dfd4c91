package dev.recipe.core;

/** A configuration or input file is wrong; the message names the file, key or line and what was expected. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
