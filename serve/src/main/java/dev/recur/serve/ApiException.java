package dev.recur.serve;

/** A request the server refuses: its HTTP status, the request field at fault (or null) and a one-line reason. */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;

    /**
     * A refusal.
     *
     * @param status the HTTP status (4xx for the client's fault, 503 for load or time)
     * @param field the request field at fault, or null
     * @param message the reason, one line
     */
    public ApiException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    /**
     * The HTTP status.
     *
     * @return the status
     */
    public int status() {
        return status;
    }

    /**
     * The request field at fault.
     *
     * @return the field name, or null
     */
    public String field() {
        return field;
    }
}
