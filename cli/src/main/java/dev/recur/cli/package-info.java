/** The {@code recur} command: picocli commands created through Guice, with named exit codes. */
package dev.recur.cli;
