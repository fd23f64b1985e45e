package de.datenhafen.testkit;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * Every thread's full stack with the locks it holds and the one it waits for, deadlocks named first. JUnit's and
 * Surefire's dumps leave out who holds which lock, which is the first question about a hang.
 */
final class ThreadDump {

    private ThreadDump() {
    }

    static String text() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder b = new StringBuilder();
        long[] deadlocked = threads.findDeadlockedThreads();
        if (deadlocked != null) {
            b.append("Deadlocked threads:");
            for (ThreadInfo t : threads.getThreadInfo(deadlocked)) {
                if (t != null) {
                    b.append(" \"").append(t.getThreadName()).append('"');
                }
            }
            b.append("\n\n");
        }
        for (ThreadInfo t : threads.dumpAllThreads(threads.isObjectMonitorUsageSupported(),
            threads.isSynchronizerUsageSupported())) {
            append(b, t);
        }
        return b.toString();
    }

    private static void append(StringBuilder b, ThreadInfo t) {
        b.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId())
            .append(t.isDaemon() ? " daemon " : " ").append(t.getThreadState());
        if (t.getLockName() != null) {
            b.append(" on ").append(t.getLockName());
        }
        if (t.getLockOwnerName() != null) {
            b.append(" owned by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
        }
        b.append('\n');
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < stack.length; i++) {
            b.append("\tat ").append(stack[i]).append('\n');
            for (MonitorInfo m : t.getLockedMonitors()) {
                if (m.getLockedStackDepth() == i) {
                    b.append("\t- locked ").append(m).append('\n');
                }
            }
        }
        LockInfo[] synchronizers = t.getLockedSynchronizers();
        if (synchronizers.length > 0) {
            b.append("\tholds");
            for (LockInfo l : synchronizers) {
                b.append(' ').append(l);
            }
            b.append('\n');
        }
        b.append('\n');
    }
}
