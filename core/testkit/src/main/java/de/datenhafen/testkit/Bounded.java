package de.datenhafen.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs a hub's start or stop on a thread of its own and waits for it a bounded time. JUnit's time-outs cover test and
 * lifecycle methods, not an extension's callbacks, and Surefire ends a hung fork only after its whole-fork time-out;
 * so without this a start that never returned would hold every later test class. With it, the class fails within
 * the bound, with a thread dump on standard error (the test's {@code -output.txt}), and the next class runs.
 */
final class Bounded {

    private Bounded() {
    }

    /**
     * Calls {@code task} on a new daemon thread named {@code thread} and returns its result, or throws what it threw.
     * After {@code limit} it prints a thread dump, interrupts the thread and throws an {@link IllegalStateException}
     * whose cause carries the thread's stack at that moment. A result that comes after that goes to {@code late}, so a
     * hub that finished starting after the test gave up on it is closed instead of keeping its port and threads.
     */
    static <T> T call(String thread, String what, Duration limit, Callable<T> task, Consumer<? super T> late) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            T value;
            try {
                value = task.call();
            } catch (Throwable e) {
                result.completeExceptionally(e);
                return;
            }
            if (!result.complete(value)) {
                late.accept(value);
            }
        }, thread);
        worker.setDaemon(true);
        worker.start();
        try {
            return result.get(limit.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            Throwable where = new Throwable("where thread " + thread + " was after " + text(limit));
            where.setStackTrace(worker.getStackTrace());
            IllegalStateException failure = new IllegalStateException("the hub did not " + what + " within "
                + text(limit) + "; a thread dump is in the test's output", where);
            if (!result.completeExceptionally(failure)) {
                return result.join(); // it finished while the stack was taken
            }
            System.err.println("The hub did not " + what + " within " + text(limit) + ".\n" + ThreadDump.text());
            worker.interrupt();
            throw failure;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            throw new IllegalStateException("interrupted while waiting for the hub to " + what, e);
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(e.getMessage(), e);
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
