/**
 * ONNX interoperability: {@link dev.recipe.interop.OnnxImporter} turns an ONNX file into a trainable SameDiff graph
 * (float initializers become VARIABLEs named as in the file), {@link dev.recipe.interop.OnnxOps} is the operator table,
 * and {@link dev.recipe.interop.OnnxExporter} writes updated weights back into a copy of the original file. The ONNX
 * protobuf classes are the ones shipped in nd4j-api (package {@code onnx}); DL4J's own ONNX importer is not used.
 */
package dev.recipe.interop;
