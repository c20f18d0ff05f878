package dev.recur.cli;

import dev.recur.io.ModelFileException;
import dev.recur.spi.UnknownProviderException;
import dev.recur.text.CorpusException;
import dev.recur.train.TrainingDivergedException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of {@code recur}: the one place that lists them, with the text {@code recur --help} shows. */
public enum ExitCode {
    /** Success. */
    OK(0, "success"),
    /** An unexpected internal error (a bug: run again with -x and report the stack trace). */
    SOFTWARE(1, "internal error"),
    /** Bad command-line usage: unknown option, invalid value, unknown plugin option. */
    USAGE(2, "bad usage or option value"),
    /** A corpus cannot be used: missing, not UTF-8, empty, too short. */
    BAD_DATA(3, "bad corpus"),
    /** A model or checkpoint file is missing, truncated, corrupt or inconsistent. */
    BAD_MODEL_FILE(4, "bad model or checkpoint file"),
    /** A plugin named on the command line or in a model file is not on the classpath. */
    MISSING_PLUGIN(5, "plugin not on the classpath"),
    /** Training diverged (too many non-finite steps in a row). */
    DIVERGED(6, "training diverged"),
    /** An output file could not be written (any previous file is intact). */
    CANNOT_WRITE(7, "cannot write an output file");

    private final int code;
    private final String text;

    ExitCode(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }

    /** What it means, for help and logs. */
    public String text() {
        return text;
    }

    /** Every code with its text, for picocli's exit-code list in help. */
    public static Map<String, String> helpList() {
        Map<String, String> m = new LinkedHashMap<>();
        for (ExitCode c : values()) {
            m.put(String.valueOf(c.code), c.text);
        }
        return m;
    }

    /** The exit code for an exception escaping a command. */
    public static ExitCode of(Throwable ex) {
        if (ex instanceof ModelFileException m) {
            return switch (m.kind()) {
                case BAD_FILE -> BAD_MODEL_FILE;
                case MISSING_PLUGIN -> MISSING_PLUGIN;
                case WRITE_FAILED -> CANNOT_WRITE;
            };
        }
        if (ex instanceof UnknownProviderException) {
            return MISSING_PLUGIN;
        }
        if (ex instanceof CorpusException) {
            return BAD_DATA;
        }
        if (ex instanceof TrainingDivergedException) {
            return DIVERGED;
        }
        if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
            return USAGE;
        }
        if (ex instanceof java.io.UncheckedIOException) {
            return CANNOT_WRITE;
        }
        return SOFTWARE;
    }
}
