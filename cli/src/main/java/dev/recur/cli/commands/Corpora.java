package dev.recur.cli.commands;

import dev.recur.text.CorpusException;
import dev.recur.text.TextFiles;
import java.io.InputStream;
import java.nio.file.Path;

/** Reads corpora: files, or the built-in default text. */
final class Corpora {

    /** Classpath resource of the built-in corpus (org.apache.crunch:crunch-test:0.15.0). */
    static final String DEFAULT_RESOURCE = "/dickens.txt";
    static final String DEFAULT_NAME = "The Old Curiosity Shop (Charles Dickens, built in)";

    private Corpora() {
    }

    /**
     * The text of {@code file} (the built-in corpus when null).
     *
     * @throws CorpusException when the file is missing, not UTF-8 or empty
     */
    static String read(Path file) {
        if (file != null) {
            checkFits(file, Runtime.getRuntime().maxMemory());
        }
        String text = file == null ? builtIn() : TextFiles.readUtf8(file);
        if (text.isEmpty()) {
            throw new CorpusException(file + ": is empty; a corpus needs text to train or evaluate on");
        }
        return text;
    }

    /**
     * Heap a corpus needs per byte when one process trains on it: the bytes, their decoded text (a copy of the
     * characters while decoding, then the string), the training and validation parts, and the token ids (up to
     * four bytes per byte at character level). Measured peaks stay under this on ASCII and multi-byte text.
     */
    static final int HEAP_PER_BYTE = 10;
    /** Larger than this, a text is not one Java array: a single process cannot hold it. */
    static final long MAX_TEXT_BYTES = Integer.MAX_VALUE - 64;

    /**
     * Refuses, before reading anything, a regular file that this JVM cannot hold ({@link #HEAP_PER_BYTE} bytes of
     * heap per byte) or that no single process can ({@link #MAX_TEXT_BYTES}); pipes and other special files
     * are read as they come.
     */
    static void checkFits(Path file, long maxHeap) {
        long size;
        try {
            if (!java.nio.file.Files.isRegularFile(file)) {
                return;
            }
            size = java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            return; // reading it reports the problem
        }
        if (size > MAX_TEXT_BYTES) {
            throw new CorpusException(String.format(java.util.Locale.ROOT, "%s: is %.1f GB; one process trains on at most "
                    + "2 GB of text (a Java array): train on shards of it with recur spark-train", file, size / 1e9));
        }
        if (size * HEAP_PER_BYTE > maxHeap) {
            throw new CorpusException(String.format(java.util.Locale.ROOT, "%s: %.2f GB of text needs about %.1f GB of "
                    + "heap in one process, this JVM has %.1f GB: raise it (RECUR_JAVA_OPTS=-Xmx%dg) or "
                    + "train with recur spark-train", file, size / 1e9, size * (double) HEAP_PER_BYTE / 1e9,
                    maxHeap / 1e9, (long) Math.ceil(size * (double) HEAP_PER_BYTE / (1L << 30)) + 1));
        }
    }

    static String builtIn() {
        InputStream in = Corpora.class.getResourceAsStream(DEFAULT_RESOURCE);
        if (in == null) {
            throw new CorpusException("the built-in corpus " + DEFAULT_RESOURCE
                    + " is not on the classpath (org.apache.crunch:crunch-test:0.15.0); give --corpus FILE");
        }
        return TextFiles.readUtf8(in, DEFAULT_RESOURCE);
    }

    static String name(Path file) {
        return file == null ? DEFAULT_NAME : file.toString();
    }

}
