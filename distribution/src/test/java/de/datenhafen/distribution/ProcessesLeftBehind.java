package de.datenhafen.distribution;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Ends the hubs and brokers the tests of this JVM started and left running, when the JVM ends. A fork stopped at its
 * time-out ({@code forkedProcessTimeoutInSeconds}) skips every {@code @AfterEach}, and a hub that outlived its test
 * would take the CPU and ports of the forks after it; a stop by SIGTERM still runs shutdown hooks (a SIGKILL does
 * not, and nothing in the JVM can help then). Registered for the module's test JVMs in {@code META-INF/services}.
 * PostgreSQL is left to the testkit's own stop.
 */
public final class ProcessesLeftBehind implements LauncherSessionListener {

    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (HOOKED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(ProcessesLeftBehind::end, "end-processes-left-behind"));
        }
    }

    /** Kills every descendant of this JVM that is one of ours: a hub, a broker JVM of the testkit, mosquitto. */
    static void end() {
        ProcessHandle.current().descendants().filter(ProcessesLeftBehind::ours).forEach(ProcessHandle::destroyForcibly);
    }

    static boolean ours(ProcessHandle p) {
        return p.info().commandLine().map(c -> c.contains("de.datenhafen.") || c.contains("mosquitto")).orElse(false);
    }
}
