package de.datenhafen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadDumpTest {

    @Test
    void namesTheThreadThatHoldsTheLockABlockedThreadWaitsFor() throws Exception {
        Object lock = new Object();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (lock) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "lock-holder");
        Thread waiter = new Thread(() -> {
            synchronized (lock) {
                lock.notifyAll();
            }
        }, "lock-waiter");
        holder.start();
        held.await();
        waiter.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.BLOCKED);

            String dump = ThreadDump.text();

            assertThat(dump).contains("\"lock-waiter\" #" + waiter.getId() + " BLOCKED on java.lang.Object@"
                + Integer.toHexString(System.identityHashCode(lock)) + " owned by \"lock-holder\" #" + holder.getId()
                + "\n");
            assertThat(dump).containsPattern("\"lock-holder\" #" + holder.getId() + " WAITING on "
                + "java.util.concurrent.CountDownLatch\\$Sync@[0-9a-f]+\n(\tat .*\n)*\t- locked java.lang.Object@"
                + Integer.toHexString(System.identityHashCode(lock)) + "\n");
            assertThat(dump).doesNotContain("Deadlocked threads:");
        } finally {
            release.countDown();
            holder.join();
            waiter.join();
        }
    }
}
