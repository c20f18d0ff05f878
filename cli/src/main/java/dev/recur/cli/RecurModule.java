package dev.recur.cli;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.spi.CellProvider;
import dev.recur.spi.ClipperProvider;
import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.Provider;
import dev.recur.spi.ProviderRegistry;
import dev.recur.spi.SamplerProvider;
import dev.recur.spi.ScheduleProvider;

/**
 * Binds the providers discovered once (no I/O here: the registries are loaded before the injector is
 * built) into one MapBinder per kind, the kernels through an OptionalBinder default, and the commands.
 */
final class RecurModule extends AbstractModule {

    private final ProviderRegistry<CellProvider> cells;
    private final ProviderRegistry<OptimizerProvider> optimizers;
    private final ProviderRegistry<ClipperProvider> clippers;
    private final ProviderRegistry<SamplerProvider> samplers;
    private final ProviderRegistry<ScheduleProvider> schedules;

    RecurModule(ProviderRegistry<CellProvider> cells, ProviderRegistry<OptimizerProvider> optimizers,
                ProviderRegistry<ClipperProvider> clippers, ProviderRegistry<SamplerProvider> samplers,
                ProviderRegistry<ScheduleProvider> schedules) {
        this.cells = cells;
        this.optimizers = optimizers;
        this.clippers = clippers;
        this.samplers = samplers;
        this.schedules = schedules;
    }

    /** Loads every registry from {@code loader} (the one place that does service discovery). */
    static RecurModule discover(ClassLoader loader) {
        return new RecurModule(ProviderRegistry.load("cell", CellProvider.class, loader),
                ProviderRegistry.load("optimizer", OptimizerProvider.class, loader),
                ProviderRegistry.load("clipper", ClipperProvider.class, loader),
                ProviderRegistry.load("sampler", SamplerProvider.class, loader),
                ProviderRegistry.load("schedule", ScheduleProvider.class, loader));
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        bindAll(CellProvider.class, cells);
        bindAll(OptimizerProvider.class, optimizers);
        bindAll(ClipperProvider.class, clippers);
        bindAll(SamplerProvider.class, samplers);
        bindAll(ScheduleProvider.class, schedules);
        OptionalBinder.newOptionalBinder(binder(), MathKernels.class).setDefault().toInstance(Kernels.get());
        bind(Plugins.class);
        bind(RecurCommand.class);
        bind(TrainCommand.class);
        bind(EvalCommand.class);
        bind(SampleCommand.class);
        bind(InspectCommand.class);
        bind(ListCommand.class);
        bind(InfoCommand.class);
        bind(DiagnoseCommand.class);
        bind(PlotCommand.class);
        bind(DemoCommand.class);
        bind(BenchCommand.class);
    }

    private <P extends Provider> void bindAll(Class<P> type, ProviderRegistry<P> registry) {
        MapBinder<String, P> map = MapBinder.newMapBinder(binder(), String.class, type);
        for (P p : registry.providers()) {
            map.addBinding(p.name()).toInstance(p);
        }
    }
}
