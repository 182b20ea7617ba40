/**
 * @file The `layers` namespace (`tf.layers.Dense`, `tf.layers.Dropout`, `tf.layers.Layer`, ...), as
 * Keras groups them under `tf.keras.layers`. A module namespace rather than an object, so
 * `tf.layers.Dense` is a type too.
 */
export { Layer } from './layer.js';
export type {
  ApplyOptions,
  LayerConfig,
  LayerInput,
  LayerMask,
  LayerOptions,
  LayerOutput,
  SymbolicOutput,
} from './layer.js';
export { Dense } from './dense.js';
export type { DenseOptions } from './dense.js';
export { Activation, Dropout, Flatten, ReLU, Softmax } from './core-layers.js';
export type { ActivationLayerOptions, DropoutOptions, ReLUOptions, SoftmaxOptions } from './core-layers.js';
// Issue 12 (real models I): normalization, reshaping and global pooling.
export { BatchNormalization, LayerNormalization } from './normalization.js';
export type {
  BatchNormalizationOptions,
  LayerNormalizationOptions,
  Normalization,
  NormalizationOptions,
} from './normalization.js';
export { GlobalAveragePooling2D, GlobalMaxPooling2D, Permute, Reshape } from './reshaping.js';
export type { GlobalPooling2D, GlobalPooling2DOptions } from './reshaping.js';
// Issue 12 (real models I): convolution, pooling, padding and up-sampling layers (group w-cnn).
export { Conv1D, Conv2D, Conv2DTranspose, Convolution, DepthwiseConv2D, FilterConvolution } from './convolutional.js';
export type {
  Conv2DTransposeOptions,
  ConvolutionLayerOptions,
  ConvolutionPaddingName,
  DataFormat,
  DepthwiseConv2DOptions,
  ShapeDim,
  WeightShape,
} from './convolutional.js';
export { AveragePooling2D, MaxPooling2D, Pooling2D, UpSampling2D, ZeroPadding2D } from './pooling-layers.js';
export type { Pooling2DOptions, ZeroPadding2DPadding } from './pooling-layers.js';
// Issue 14 (real models II): embeddings and the bidirectional wrapper (group w-seq).
export { Embedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export { Bidirectional } from './bidirectional.js';
export type { BidirectionalOptions, MergeMode } from './bidirectional.js';
// Issue 14 (real models II): recurrent layers SimpleRNN, LSTM, GRU (group w-rnn).
export { GRU } from './recurrent/gru.js';
export type { GRUOptions } from './recurrent/gru.js';
export { LSTM } from './recurrent/lstm.js';
export type { LSTMOptions } from './recurrent/lstm.js';
export { RNN } from './recurrent/rnn-base.js';
export type {
  GatedRNNOptions,
  RNNOptions,
  RecurrentApplyOptions,
  RecurrentRegularizer,
} from './recurrent/rnn-options.js';
export { SimpleRNN } from './recurrent/simple-rnn.js';
export type { SimpleRNNOptions } from './recurrent/simple-rnn.js';
// Issue 14 (real models II): merge layers and multi-head attention (group w-attn).
export { Add, Average, Concatenate, ElementwiseMerge, Maximum, Minimum, Multiply, Subtract } from './merge.js';
export { Dot } from './dot.js';
export type { ConcatenateOptions } from './merge.js';
export type { DotOptions } from './dot.js';
export { MultiHeadAttention } from './attention/multi-head-attention.js';
export type { MultiHeadAttentionApplyOptions, MultiHeadAttentionOptions } from './attention/multi-head-attention.js';
export type { AttentionWeights } from './attention/attention-math.js';
// Issue 14 (functional API, group w-func): the layer standing for a tf.input in a functional model.
export { InputLayer } from './functional/graph.js';
// Issue 14 (recurrent corners, group w-rnn2): call options with symbolic masks and initial states.
export type { SymbolicApplyOptions } from './functional/symbolic-tensor.js';
export type { SymbolicRecurrentApplyOptions } from './recurrent/rnn-options.js';
