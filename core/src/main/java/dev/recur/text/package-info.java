/** Text: strict UTF-8 reading, word and character tokenizers, vocabularies and batched token streams. */
package dev.recur.text;
