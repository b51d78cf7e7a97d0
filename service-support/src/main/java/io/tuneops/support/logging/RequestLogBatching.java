package io.tuneops.support.logging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;

/**
 * Routes the request log's console output through a {@link BatchedConsoleHandler} at start: the
 * request logger stops using the root's handlers and gets the batched console plus every other
 * root target (the log file keeps its own handler). Nothing changes when there is no console.
 */
@ApplicationScoped
public class RequestLogBatching {

    public static final String REQUEST_LOGGER = "io.tuneops.http.request";
    private static final Logger LOG = Logger.getLogger(RequestLogBatching.class);

    private final boolean enabled;
    private final boolean stderr;
    private final int capacity;
    private BatchedConsoleHandler batched;

    public RequestLogBatching(@ConfigProperty(name = "tuneops.request-log.batched", defaultValue = "true") boolean enabled,
                              @ConfigProperty(name = "quarkus.log.console.stderr", defaultValue = "false") boolean stderr,
                              @ConfigProperty(name = "tuneops.request-log.queue-length", defaultValue = "65536") int capacity) {
        this.enabled = enabled;
        this.stderr = stderr;
        this.capacity = capacity;
    }

    void install(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        var root = LogContext.getLogContext().getLogger("");
        List<Handler> others = new ArrayList<>();
        ConsoleHandler console = split(root.getHandlers(), others);
        if (console == null) {
            return;
        }
        batched = new BatchedConsoleHandler(console, new FileOutputStream(stderr ? FileDescriptor.err : FileDescriptor.out),
                capacity);
        others.add(0, batched);
        var requestLog = LogContext.getLogContext().getLogger(REQUEST_LOGGER);
        requestLog.setHandlers(others.toArray(Handler[]::new));
        requestLog.setUseParentHandlers(false);
        LOG.debugf("request log: batched console writer, %d other targets", others.size() - 1);
    }

    /**
     * Finds the console handler among the root's handlers and collects, in {@code others}, the
     * handlers that reach every other target: containers (Quarkus wraps handlers in delayed and
     * async handlers) are opened only when the console is inside them.
     */
    static ConsoleHandler split(Handler[] handlers, List<Handler> others) {
        ConsoleHandler console = null;
        for (Handler handler : handlers) {
            if (handler instanceof ConsoleHandler) {
                console = (ConsoleHandler) handler;
            } else if (handler instanceof ExtHandler && contains((ExtHandler) handler)) {
                console = split(((ExtHandler) handler).getHandlers(), others);
            } else {
                others.add(handler);
            }
        }
        return console;
    }

    private static boolean contains(ExtHandler container) {
        for (Handler nested : container.getHandlers()) {
            if (nested instanceof ConsoleHandler || (nested instanceof ExtHandler && contains((ExtHandler) nested))) {
                return true;
            }
        }
        return false;
    }

    /** Lines of requests still draining go back through the root's handlers; queued ones are written. */
    void uninstall(@Observes ShutdownEvent event) {
        if (batched != null) {
            var requestLog = LogContext.getLogContext().getLogger(REQUEST_LOGGER);
            requestLog.setUseParentHandlers(true);
            requestLog.clearHandlers();
            batched.close();
        }
    }
}
