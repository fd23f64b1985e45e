package de.datenhafen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples a process's resident memory ({@code VmRSS} in {@code /proc/<pid>/status}, Linux) every 250 ms on its own
 * daemon thread: the first sample, the largest and the last, in KiB. A pid of 0 or a missing file gives zeros.
 */
final class RssSampler {

    private final Path status;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long first = -1;
    private volatile long max;
    private volatile long last;

    RssSampler(long pid) {
        this.status = Path.of("/proc", Long.toString(pid), "status");
        this.thread = new Thread(this::loop, "rss-sampler");
        this.thread.setDaemon(true);
    }

    void begin() {
        sample();
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(1000);
        sample();
    }

    long first() {
        return Math.max(0, first);
    }

    long max() {
        return max;
    }

    long end() {
        return last;
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sample() {
        long kb = read(status);
        if (kb <= 0) {
            return;
        }
        if (first < 0) {
            first = kb;
        }
        max = Math.max(max, kb);
        last = kb;
    }

    static long read(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
