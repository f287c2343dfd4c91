/**
 * Keras 2 HDF5 models ({@code model.save("m.h5")}, Sequential or Functional) as trainable SameDiff graphs:
 * {@link dev.recipe.interop.keras.KerasImporter} reads the file with jhdf ({@link dev.recipe.interop.keras.KerasH5File}),
 * parses {@code model_config} ({@link dev.recipe.interop.keras.KerasModel}) and translates each layer call through the
 * layer table ({@code KerasLayers}); the result is a {@link dev.recipe.interop.keras.KerasGraph} whose weights are
 * VARIABLEs named after their Keras names ({@code conv1/kernel:0} → {@code conv1/kernel}, Keras's shapes), whose
 * inputs are placeholders in Keras's layout (NHWC for channels_last) and whose layer outputs carry the layer names.
 *
 * <p>Supported: InputLayer, Conv2D (valid/same, strides, dilation, channels_last/first), Dense (any rank),
 * MaxPooling2D, AveragePooling2D (same pads excluded from the average, as in TensorFlow), GlobalAverage/MaxPooling2D,
 * Flatten (channels_first moves channels last first, as Keras does), Permute, Reshape, ZeroPadding2D,
 * BatchNormalization (inference form; moving statistics are constants), Activation, ReLU, LeakyReLU, PReLU, ELU,
 * Softmax (last axis), Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, and Dropout-type layers
 * (identity: the graph is the inference graph); activations linear, relu, sigmoid, tanh, softmax, elu, selu,
 * softplus, softsign, swish, exponential. Layers shared between several calls share their variables. Anything else
 * fails before a graph is built, with one message listing every offending layer. Not covered: Keras 3's connection
 * format, nested models, recurrent layers, Lambda, training-time behaviour of Dropout and BatchNormalization.
 *
 * <p>DL4J's {@code KerasModelImport} (1.0.0-M2.1) is used only as a test peer: it yields a ComputationGraph, and on
 * MTCNN's 48net it leaves every PReLU alpha at zero and fails at Permute → Flatten.
 */
package dev.recipe.interop.keras;
