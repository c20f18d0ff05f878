/** The language model (embedding → cell → softmax), its windowed forward/backward and evaluation. */
package dev.recur.model;
