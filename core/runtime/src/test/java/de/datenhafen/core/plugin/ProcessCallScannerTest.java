package de.datenhafen.core.plugin;

import static de.datenhafen.core.plugin.ProcessEndingCode.classFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.datenhafen.core.plugin.ProcessCallScanner.InvalidClassException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessCallScannerTest {

    private static final String PREFIX = ProcessEndingCode.class.getName() + "$";

    @Test
    void namesTheClassTheMethodAndTheCallOfSystemExit() throws InvalidClassException {
        assertThat(scan(ProcessEndingCode.Exits.class))
            .containsExactly(PREFIX + "Exits.start calls System.exit");
    }

    @Test
    void findsRuntimeExitHaltAndShutdownHooks() throws InvalidClassException {
        assertThat(scan(ProcessEndingCode.ExitsThroughTheRuntime.class))
            .containsExactly(PREFIX + "ExitsThroughTheRuntime.start calls Runtime.exit");
        assertThat(scan(ProcessEndingCode.Halts.class)).containsExactly(PREFIX + "Halts.stop calls Runtime.halt");
        assertThat(scan(ProcessEndingCode.AddsAShutdownHook.class))
            .containsExactly(PREFIX + "AddsAShutdownHook.start calls Runtime.addShutdownHook");
    }

    @Test
    void findsAReplacedSecurityManager() throws InvalidClassException {
        assertThat(scan(ProcessEndingCode.ReplacesTheSecurityManager.class))
            .containsExactly(PREFIX + "ReplacesTheSecurityManager.start calls System.setSecurityManager");
    }

    @Test
    void findsSystemExitTakenAsAMethodReference() throws InvalidClassException {
        assertThat(scan(ProcessEndingCode.ExitsThroughAMethodReference.class))
            .containsExactly(PREFIX + "ExitsThroughAMethodReference.exit calls System.exit");
    }

    @Test
    void findsSystemExitInALambdaUnderTheLambdasMethod() throws InvalidClassException {
        assertThat(scan(ProcessEndingCode.ExitsInALambda.class))
            .containsExactly(PREFIX + "ExitsInALambda.lambda$later$0 calls System.exit");
    }

    @Test
    void findsNothingInHarmlessCodeWithSwitches() throws InvalidClassException {
        assertThat(scan(ProcessEndingCode.Harmless.class)).isEmpty();
        assertThat(scan(ProcessCallScanner.class)).isEmpty();
    }

    @Test
    void refusesBytesThatAreNotAClassFile() {
        assertThatThrownBy(() -> ProcessCallScanner.scan("x".getBytes()))
            .isInstanceOf(InvalidClassException.class).hasMessage("it ends inside a structure");
        assertThatThrownBy(() -> ProcessCallScanner.scan(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
            .isInstanceOf(InvalidClassException.class)
            .hasMessage("it does not start with the class file magic number");
    }

    @Test
    void refusesATruncatedClassFileInsteadOfPassingIt() {
        byte[] whole = classFile(ProcessEndingCode.Exits.class);
        for (int length : new int[] {10, whole.length / 2, whole.length - 1}) {
            assertThatThrownBy(() -> ProcessCallScanner.scan(Arrays.copyOf(whole, length)))
                .as("cut at %d of %d bytes", length, whole.length).isInstanceOf(InvalidClassException.class);
        }
    }

    private static List<String> scan(Class<?> type) throws InvalidClassException {
        return ProcessCallScanner.scan(classFile(type)).stream().map(Object::toString).toList();
    }
}
