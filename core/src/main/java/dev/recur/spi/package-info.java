/**
 * The plugin SPIs — cells, optimizers, gradient clippers, samplers, learning-rate schedules — their
 * providers, options and the {@link dev.recur.spi.ProviderRegistry} that finds them with ServiceLoader.
 */
package dev.recur.spi;
