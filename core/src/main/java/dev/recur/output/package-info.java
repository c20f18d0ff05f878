/**
 * The built-in output layers ({@code softmax}), providers of {@link dev.recur.spi.OutputLayerProvider}.
 */
package dev.recur.output;
