/** What the commands print and write besides results: progress, JSON-lines metrics, charts. */
package dev.recur.cli.render;
