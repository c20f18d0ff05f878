/** Seeing why training behaves as it does: gradient flow through time and the spectrum of W_h. */
package dev.recur.diagnostics;
