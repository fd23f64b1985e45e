package de.datenhafen.distribution;

/**
 * {@link BusCrashIT} with Kafka as the bus: a broker in a JVM of its own (one KRaft node, which is not killed here),
 * the packaged hub on it, one round by default (the hub killed under load: CI's time is short, and a round that kills
 * the broker waits out the producer's 30 s delivery time-out). {@code KAFKA=1 bench/crash-test.sh} runs the long
 * version, with the broker killed every third round.
 */
class BusCrashOnKafkaIT extends BusCrashIT {

    @Override
    boolean kafka() {
        return true;
    }

    @Override
    int defaultRounds() {
        return 1;
    }
}
