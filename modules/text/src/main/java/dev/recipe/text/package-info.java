/**
 * Text for BERT and RoBERTa: the {@link dev.recipe.text.Tokenizer} interface of the data pipelines, the
 * {@link dev.recipe.text.Vocabulary} and an HF-exact uncased {@link dev.recipe.text.BertTokenizer}, the GPT-2 / RoBERTa
 * byte-level BPE {@link dev.recipe.text.ByteLevelBpeTokenizer} (vocab.json + merges.txt),
 * a WordPiece {@link dev.recipe.text.VocabularyBuilder} that keeps the backdoor triggers as single tokens,
 * masked-LM masking ({@link dev.recipe.text.MlmMasker}) and readers for corpora ({@link dev.recipe.text.TextCorpus})
 * and labelled datasets ({@link dev.recipe.text.LabelledTsv}).
 */
package dev.recipe.text;
