package dev.recur.cli.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.recur.cli.commands.BenchCommand;
import dev.recur.cli.commands.DemoCommand;
import dev.recur.cli.commands.DiagnoseCommand;
import dev.recur.cli.commands.EvalCommand;
import dev.recur.cli.commands.ExportCommand;
import dev.recur.cli.commands.InfoCommand;
import dev.recur.cli.commands.InspectCommand;
import dev.recur.cli.commands.ListCommand;
import dev.recur.cli.commands.PlotCommand;
import dev.recur.cli.commands.RecurCommand;
import dev.recur.cli.commands.SampleCommand;
import dev.recur.cli.commands.ScoreCommand;
import dev.recur.cli.commands.ServeCommand;
import dev.recur.cli.commands.TrainCommand;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.spi.CellProvider;
import dev.recur.spi.ClipperProvider;
import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.spi.Provider;
import dev.recur.spi.ProviderRegistry;
import dev.recur.spi.Providers;
import dev.recur.spi.SamplerProvider;
import dev.recur.spi.ScheduleProvider;
import java.util.List;

/**
 * Binds the providers discovered once (no I/O here: {@link Providers} is loaded before the injector is
 * built): the snapshot itself, one MapBinder per kind keyed by name (for Guice users that want a kind by
 * map), the kernels through an OptionalBinder default, and every command.
 */
public final class RecurModule extends AbstractModule {

    /** Every command class, each bound explicitly (the factory creates nothing else through the injector). */
    public static final List<Class<?>> COMMANDS = List.of(RecurCommand.class, TrainCommand.class, EvalCommand.class,
            SampleCommand.class, InspectCommand.class, ListCommand.class, InfoCommand.class, DiagnoseCommand.class,
            PlotCommand.class, DemoCommand.class, BenchCommand.class, ScoreCommand.class, ExportCommand.class,
            ServeCommand.class);

    private final Providers providers;

    public RecurModule(Providers providers) {
        this.providers = providers;
    }

    /** Loads every provider from {@code loader} (the one place that does service discovery). */
    public static RecurModule discover(ClassLoader loader) {
        return new RecurModule(Providers.load(loader));
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        bind(Providers.class).toInstance(providers);
        bindAll(CellProvider.class, providers.cells());
        bindAll(OutputLayerProvider.class, providers.outputs());
        bindAll(OptimizerProvider.class, providers.optimizers());
        bindAll(ClipperProvider.class, providers.clippers());
        bindAll(SamplerProvider.class, providers.samplers());
        bindAll(ScheduleProvider.class, providers.schedules());
        OptionalBinder.newOptionalBinder(binder(), MathKernels.class).setDefault().toInstance(Kernels.get());
        for (Class<?> c : COMMANDS) {
            bind(c);
        }
    }

    private <P extends Provider> void bindAll(Class<P> type, ProviderRegistry<P> registry) {
        MapBinder<String, P> map = MapBinder.newMapBinder(binder(), String.class, type);
        for (P p : registry.providers()) {
            map.addBinding(p.name()).toInstance(p);
        }
    }
}
