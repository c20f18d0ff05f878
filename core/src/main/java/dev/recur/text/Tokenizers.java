package dev.recur.text;

import java.util.List;

/** Builds a tokenizer from its stored settings. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /** The known levels. */
    public static final List<String> LEVELS = List.of("word", "char");

    /**
     * @throws IllegalArgumentException on an unknown level
     */
    public static Tokenizer of(String level, int minCount, int maxVocabulary) {
        return switch (level) {
            case "word" -> new WordTokenizer(minCount, maxVocabulary);
            case "char" -> new CharTokenizer();
            default -> throw new IllegalArgumentException("level must be one of word, char, got '" + level + "'");
        };
    }
}
