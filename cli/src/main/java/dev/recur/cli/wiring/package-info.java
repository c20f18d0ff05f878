/** How the command line is wired: the Guice module that binds providers and commands, and plugin jars. */
package dev.recur.cli.wiring;
