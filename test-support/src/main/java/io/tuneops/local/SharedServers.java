package io.tuneops.local;

/** One pair of throw-away servers per JVM, stopped when the JVM exits. */
public final class SharedServers {

    private static LocalServers servers;

    private SharedServers() {
    }

    public static synchronized LocalServers get() {
        if (servers == null) {
            servers = LocalServers.startEphemeral();
            LocalServers started = servers;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-servers-stop"));
        }
        return servers;
    }
}
