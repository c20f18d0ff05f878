/** Built-in recurrent cells: {@link dev.recur.cells.ElmanCell} (provider {@code elman}). */
package dev.recur.cells;
