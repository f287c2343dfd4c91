package dev.recipe.text;

/** A sentence with its class label (e.g. SST-2: 0 negative, 1 positive). */
public record LabelledText(String text, int label) {
    public LabelledText {
        if (text == null) throw new IllegalArgumentException("text is null");
    }
}
