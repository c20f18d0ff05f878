/** Training: the TBPTT {@link dev.recur.train.Trainer}, its configuration, reports and listener callbacks. */
package dev.recur.train;
