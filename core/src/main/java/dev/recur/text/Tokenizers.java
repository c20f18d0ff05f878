package dev.recur.text;

import java.util.List;

/** Builds a tokenizer from its stored settings. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /** The known levels. */
    public static final List<String> LEVELS = List.of("word", "char");

    /**
     * The tokenizer of a level with its settings.
     *
     * @param level {@code word} or {@code char}
     * @param minCount word level: rarer words become {@code <unk>}
     * @param maxVocabulary word level: the most tokens kept (0: no limit)
     * @return the tokenizer
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
