package dev.recur.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

    static final Provider P = new Provider() {
        public String name() { return "thing"; }
        public String description() { return "a thing"; }
        public List<OptionSpec> options() {
            return List.of(new OptionSpec("lr", "0.5", "rate"), new OptionSpec("steps", "3", "n"),
                    new OptionSpec("flag", "false", "f"), new OptionSpec("kind", "a", "k"));
        }
    };

    @Test
    void defaultsAndOverrides() {
        Options o = Options.parse("optimizer", P, Map.of("lr", " 0.25 "));
        assertEquals(0.25, o.number("lr"));
        assertEquals(3, o.integer("steps", 1, 10));
        assertFalse(o.bool("flag"));
        assertEquals("a", o.choice("kind", List.of("a", "b")));
        assertEquals(Map.of("lr", "0.25", "steps", "3", "flag", "false", "kind", "a"), o.asMap());
    }

    @Test
    void unknownKeyListsKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Options.parse("optimizer", P, Map.of("momentum", "0.9")));
        assertEquals("unknown option 'momentum' for optimizer 'thing'; known options: lr, steps, flag, kind", e.getMessage());
    }

    @Test
    void invalidValuesNameOptionExpectedAndActual() {
        Options o = Options.parse("optimizer", P, Map.of("lr", "fast", "steps", "0", "flag", "yes", "kind", "z"));
        assertEquals("option 'lr' of optimizer 'thing' must be a finite number, got 'fast'",
                assertThrows(IllegalArgumentException.class, () -> o.number("lr")).getMessage());
        assertEquals("option 'steps' of optimizer 'thing' must be an integer in [1, 10], got '0'",
                assertThrows(IllegalArgumentException.class, () -> o.integer("steps", 1, 10)).getMessage());
        assertEquals("option 'flag' of optimizer 'thing' must be true or false, got 'yes'",
                assertThrows(IllegalArgumentException.class, () -> o.bool("flag")).getMessage());
        assertEquals("option 'kind' of optimizer 'thing' must be one of a, b, got 'z'",
                assertThrows(IllegalArgumentException.class, () -> o.choice("kind", List.of("a", "b"))).getMessage());
        Options neg = Options.parse("optimizer", P, Map.of("lr", "-1"));
        assertEquals("option 'lr' of optimizer 'thing' must be a number in (0, 10], got '-1'",
                assertThrows(IllegalArgumentException.class, () -> neg.number("lr", 0, false, 10)).getMessage());
        Options nan = Options.parse("optimizer", P, Map.of("lr", "NaN"));
        assertThrows(IllegalArgumentException.class, () -> nan.number("lr"));
    }
}
