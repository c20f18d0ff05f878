package dev.recur.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Strict UTF-8 reading of corpora: invalid bytes are an error that names the byte offset. */
public final class TextFiles {

    private TextFiles() {
    }

    /**
     * Splits off the last {@code fraction} of a text as validation text: at the start of the line after the
     * character at {@code (int) (length × (1 − fraction))} (mid-line only when no line starts after it). Every
     * front end holds out validation text this way ({@code recur train}, {@code recur spark-train}).
     *
     * @param text the corpus
     * @param fraction the share to hold out, in (0, 1)
     * @return {training text, validation text}
     */
    public static String[] holdOut(String text, double fraction) {
        int cut = (int) (text.length() * (1 - fraction));
        int nl = text.indexOf('\n', cut);
        if (nl >= 0 && nl < text.length() - 1) {
            cut = nl + 1;
        }
        if (cut > 0 && cut < text.length() && Character.isLowSurrogate(text.charAt(cut))) {
            cut--;
        }
        return new String[] {text.substring(0, cut), text.substring(cut)};
    }

    /**
     * Reads a whole file as UTF-8, dropping a leading byte-order mark.
     *
     * @param file the file
     * @return the text
     * @throws CorpusException when the file is missing, a directory, unreadable or not valid UTF-8
     */
    public static String readUtf8(Path file) {
        if (Files.isDirectory(file)) {
            throw new CorpusException(file + ": is a directory, expected a UTF-8 text file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorpusException(file + ": no such file");
        } catch (IOException | OutOfMemoryError e) {
            throw new CorpusException(file + ": cannot read: " + e.getMessage(), e);
        }
        return decodeUtf8(bytes, file.toString());
    }

    /**
     * Reads a stream fully as UTF-8 (a classpath resource, for example).
     *
     * @param in the stream (read to the end, not closed)
     * @param name its name for messages
     * @return the text
     */
    public static String readUtf8(InputStream in, String name) {
        try (in) {
            return decodeUtf8(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new CorpusException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes UTF-8 strictly.
     *
     * @param name what to call the source in errors
     * @param bytes the bytes
     * @return the text
     * @throws CorpusException naming the offset of the first invalid byte
     */
    public static String decodeUtf8(byte[] bytes, String name) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            throw new CorpusException(name + ": invalid UTF-8 at byte offset " + in.position()
                    + " (expected a UTF-8 text file)");
        }
        r = dec.flush(out);
        if (r.isError()) {
            throw new CorpusException(name + ": invalid UTF-8 at the end of the file");
        }
        out.flip();
        String s = out.toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
