package dev.recipe.vision;

/**
 * One example of an image classification task.
 *
 * @param image  the decoded image, at the archive's size (resize to the model's input with {@link PilResize})
 * @param label  the class index, 0-based, in the dataset's class order
 * @param source where it came from (archive entry), for errors and provenance
 */
public record LabelledImage(RgbImage image, int label, String source) {}
