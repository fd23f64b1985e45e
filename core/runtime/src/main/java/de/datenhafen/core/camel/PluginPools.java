package de.datenhafen.core.camel;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The thread pools the hub keeps per plugin: named daemon threads that end when idle, so an idle plugin costs none. */
final class PluginPools {

    private PluginPools() {
    }

    /** {@code threads} threads named {@code <prefix>1}, {@code <prefix>2}, ..., taking work from {@code queue}. */
    static ThreadPoolExecutor create(String prefix, int threads, BlockingQueue<Runnable> queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
