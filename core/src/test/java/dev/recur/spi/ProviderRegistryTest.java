package dev.recur.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

    static OptimizerProvider named(String name) {
        OptimizerProvider p = mock(OptimizerProvider.class);
        when(p.name()).thenReturn(name);
        return p;
    }

    static final class First implements ClipperProvider {
        public String name() { return "same"; }
        public String description() { return ""; }
        public List<OptionSpec> options() { return List.of(); }
        public GradientClipper create(Map<String, String> o) { return null; }
    }

    static final class Second implements ClipperProvider {
        public String name() { return "same"; }
        public String description() { return ""; }
        public List<OptionSpec> options() { return List.of(); }
        public GradientClipper create(Map<String, String> o) { return null; }
    }

    @Test
    void findsByNameAndListsSorted() {
        ProviderRegistry<OptimizerProvider> r = ProviderRegistry.of("optimizer", List.of(named("sgd"), named("adam")));
        assertEquals(List.of("adam", "sgd"), r.names());
        assertEquals("sgd", r.get("sgd").name());
        assertTrue(r.contains("adam"));
    }

    @Test
    void unknownNameListsTheAvailableOnes() {
        ProviderRegistry<OptimizerProvider> r = ProviderRegistry.of("optimizer", List.of(named("sgd"), named("adam")));
        UnknownProviderException e = assertThrows(UnknownProviderException.class, () -> r.get("adamw"));
        assertEquals("unknown optimizer 'adamw'; available: adam, sgd (add the jar that provides it to the classpath)",
                e.getMessage());
        assertEquals(List.of("adam", "sgd"), e.available());
    }

    @Test
    void duplicateNamesFailNamingBothClasses() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProviderRegistry.of("clipper", List.of(new First(), new Second())));
        assertTrue(e.getMessage().contains(First.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(Second.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("'same'"), e.getMessage());
    }

    @Test
    void invalidNamesAreRejected() {
        for (String bad : new String[] {"Adam", "top_p", "-x", "x-", "", "a--b", "1abc"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ProviderRegistry.of("optimizer", List.of(named(bad))), bad);
            assertTrue(e.getMessage().contains("lowercase-kebab"), e.getMessage());
        }
    }

    @Test
    void serviceLoaderWithNothingRegisteredIsEmpty() {
        // core registers no providers of its own
        assertEquals(List.of(), ProviderRegistry.load("sampler", SamplerProvider.class).names());
    }
}
