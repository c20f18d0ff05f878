/** Built-in sampling strategies: greedy, temperature, top-k, top-p. */
package dev.recur.samplers;
