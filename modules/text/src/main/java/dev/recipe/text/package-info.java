/**
 * Text for BERT: the {@link dev.recipe.text.Vocabulary}, an HF-exact uncased {@link dev.recipe.text.BertTokenizer},
 * a WordPiece {@link dev.recipe.text.VocabularyBuilder} that keeps the backdoor triggers as single tokens,
 * masked-LM masking ({@link dev.recipe.text.MlmMasker}) and readers for corpora ({@link dev.recipe.text.TextCorpus})
 * and labelled datasets ({@link dev.recipe.text.LabelledTsv}).
 */
package dev.recipe.text;
