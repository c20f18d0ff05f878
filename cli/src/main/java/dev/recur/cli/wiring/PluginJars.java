package dev.recur.cli.wiring;

import dev.recur.cli.UsageException;

/** {@code --plugins DIR}: the jars that add providers (cells, optimizers, …) to the ones recur ships. */
public final class PluginJars {

    private PluginJars() {
    }

    /**
     * The class loader to discover providers with: {@code parent}, plus every jar in the directories given
     * with {@code --plugins DIR} (or {@code --plugins=DIR}) anywhere in {@code args}. Providers are discovered
     * before the command line is parsed, so this looks at the raw arguments.
     *
     * @throws UsageException when a plugin directory does not exist or holds no jar
     */
    public static ClassLoader loader(String[] args, ClassLoader parent) {
        java.util.List<java.net.URL> urls = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String dir = null;
            if (args[i].equals("--plugins") && i + 1 < args.length) {
                dir = args[++i];
            } else if (args[i].startsWith("--plugins=")) {
                dir = args[i].substring("--plugins=".length());
            }
            if (dir == null) {
                continue;
            }
            java.nio.file.Path d = java.nio.file.Path.of(dir);
            if (!java.nio.file.Files.isDirectory(d)) {
                throw new UsageException("--plugins " + dir + ": no such directory");
            }
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(d)) {
                for (java.nio.file.Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                    urls.add(jar.toUri().toURL());
                }
            } catch (java.io.IOException e) {
                throw new UsageException("--plugins " + dir + ": cannot list: " + e.getMessage());
            }
            if (urls.isEmpty()) {
                throw new UsageException("--plugins " + dir + ": holds no .jar file");
            }
        }
        return urls.isEmpty() ? parent : new java.net.URLClassLoader(urls.toArray(new java.net.URL[0]), parent);
    }
}
