package de.datenhafen.core.plugin;

import java.util.function.IntConsumer;

/** Code that ends the JVM, one way per class. Never run: ProcessCallScannerTest reads the class files. */
@SuppressWarnings({"removal", "unused"})
final class ProcessEndingCode {

    private ProcessEndingCode() {
    }

    static final class Exits {
        void start() {
            System.exit(3);
        }
    }

    static final class ExitsThroughTheRuntime {
        void start() {
            Runtime.getRuntime().exit(3);
        }
    }

    static final class Halts {
        void stop() {
            Runtime.getRuntime().halt(9);
        }
    }

    static final class ReplacesTheSecurityManager {
        void start() {
            System.setSecurityManager(null);
        }
    }

    static final class AddsAShutdownHook {
        void start() {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> { }));
        }
    }

    static final class ExitsThroughAMethodReference {
        IntConsumer exit() {
            return System::exit;
        }
    }

    static final class ExitsInALambda {
        Runnable later() {
            return () -> System.exit(4);
        }
    }

    static final class Harmless {
        int answer() {
            switch (Integer.getInteger("x", 2)) {
                case 1: return 10;
                case 2: return 20;
                case 3: return 30;
                default: break;
            }
            switch (Integer.getInteger("y", 2000)) {
                case 1: return 1;
                case 1000: return 2;
                default: return Runtime.getRuntime().availableProcessors();
            }
        }
    }

    /** The bytes of one of the classes above, as they are on the class path. */
    static byte[] classFile(Class<?> type) {
        String resource = type.getName().substring(type.getPackageName().length() + 1) + ".class";
        try (var in = type.getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
