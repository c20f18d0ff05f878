/** Built-in optimizers (sgd, adam), gradient clippers (global-norm, none) and schedules (constant, plateau). */
package dev.recur.optim;
