/**
 * The {@code recur} subcommands (each translates its options into calls of the library) and the option
 * groups they share as picocli mixins.
 */
package dev.recur.cli.commands;
