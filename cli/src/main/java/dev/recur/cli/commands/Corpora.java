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
        String text = file == null ? builtIn() : TextFiles.readUtf8(file);
        if (text.isEmpty()) {
            throw new CorpusException(file + ": is empty; a corpus needs text to train or evaluate on");
        }
        return text;
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
