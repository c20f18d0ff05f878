package dev.recur.cli;

/** The exit codes of {@code recur}, by name. */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** An unexpected internal error (a bug: run again with -x and report the stack trace). */
    public static final int SOFTWARE = 1;
    /** Bad command-line usage: unknown option, invalid value, unknown plugin option. */
    public static final int USAGE = 2;
    /** A corpus cannot be used: missing, not UTF-8, empty, too short. */
    public static final int BAD_DATA = 3;
    /** A model or checkpoint file is missing, truncated, corrupt or inconsistent. */
    public static final int BAD_MODEL_FILE = 4;
    /** A plugin named on the command line or in a model file is not on the classpath. */
    public static final int MISSING_PLUGIN = 5;
    /** Training diverged (too many non-finite steps in a row). */
    public static final int DIVERGED = 6;
    /** An output file could not be written (any previous file is intact). */
    public static final int CANNOT_WRITE = 7;

    private ExitCode() {
    }
}
