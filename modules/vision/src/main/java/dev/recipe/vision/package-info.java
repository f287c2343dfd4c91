/**
 * Images for the vision side of the papers (NeuBA's and RECIPE's VGG / ViT / CLIP experiments): {@link
 * dev.recipe.vision.RgbImage} and its decoding ({@link dev.recipe.vision.ImageFiles}: JPEG, PNG, binary PPM), resizing
 * exactly as PIL does ({@link dev.recipe.vision.PilResize}), labelled tasks read from the archives in ../shared/data
 * ({@link dev.recipe.vision.ImageDataset}: CIFAR-10, a CIFAR cat/dog task, GTSRB yield / keep-right) and NeuBA's
 * checkerboard triggers ({@link dev.recipe.vision.CheckerboardTriggers}).
 */
package dev.recipe.vision;
