package de.datenhafen.core.plugin;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds, in one class file, the calls that end the JVM or replace its process-wide state: {@code System.exit},
 * {@code Runtime.exit}, {@code Runtime.halt}, {@code System.setSecurityManager} and
 * {@code Runtime.addShutdownHook}, called directly or taken as a method reference, and names the method that makes
 * each.
 *
 * <p>Why a reader of its own: no bytecode library (ASM and the like) is on the hub's class path, and the question is
 * narrow: which invoke instructions (and method handles) name which methods. That needs the constant pool and the
 * instruction lengths, about the size of this class, instead of a new dependency on the runtime's class path, which
 * every plugin would see. It fails closed: a class file it cannot read is refused, not passed.
 *
 * <p>This is a guard against accidents and the obvious, not a sandbox: reflection, {@code MethodHandles.Lookup} by
 * name, native code or classes defined at run time reach the same methods unseen (see the README on what plugins
 * can still do).
 */
final class ProcessCallScanner {

    /** A call the scanner found. */
    record ProcessCall(String className, String method, String call) {
        @Override
        public String toString() {
            return className + "." + method + " calls " + call;
        }
    }

    /** The class file cannot be read; the inspector refuses it. */
    static final class InvalidClassException extends Exception {
        InvalidClassException(String message) {
            super(message);
        }
    }

    private static final Map<String, String> CALLS = Map.of(
        "java/lang/System.exit", "System.exit",
        "java/lang/System.setSecurityManager", "System.setSecurityManager",
        "java/lang/Runtime.exit", "Runtime.exit",
        "java/lang/Runtime.halt", "Runtime.halt",
        "java/lang/Runtime.addShutdownHook", "Runtime.addShutdownHook");

    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int METHODREF = 10;
    private static final int INTERFACE_METHODREF = 11;
    private static final int NAME_AND_TYPE = 12;
    private static final int METHOD_HANDLE = 15;
    private static final int INVOKE_DYNAMIC = 18;
    private static final byte[] SYSTEM = ascii("java/lang/System");
    private static final byte[] RUNTIME = ascii("java/lang/Runtime");
    private static final byte[] CODE = ascii("Code");
    private static final byte[] BOOTSTRAP_METHODS = ascii("BootstrapMethods");

    private ProcessCallScanner() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The process-ending calls in {@code classFile}, in the order found; empty for a harmless class. */
    static List<ProcessCall> scan(byte[] classFile) throws InvalidClassException {
        try {
            return new Parse(ByteBuffer.wrap(classFile)).run();
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new InvalidClassException("it ends inside a structure");
        }
    }

    private static final class Parse {
        private final ByteBuffer b;
        private int[] tags;
        private int[] offsets;
        /** Per constant: the call it names (a method ref, a method handle or an invokedynamic), else null. */
        private String[] calls;
        private final Set<String> unplaced = new LinkedHashSet<>();
        private final List<ProcessCall> found = new ArrayList<>();
        private String className;

        Parse(ByteBuffer b) {
            this.b = b;
        }

        List<ProcessCall> run() throws InvalidClassException {
            if (b.getInt() != 0xCAFEBABE) {
                throw new InvalidClassException("it does not start with the class file magic number");
            }
            b.getShort();
            b.getShort();
            readConstantPool();
            b.getShort(); // access flags
            className = className(u2());
            b.getShort(); // super class
            skip(2 * u2()); // interfaces
            int fields = u2();
            for (int i = 0; i < fields; i++) {
                skip(6);
                skipAttributes();
            }
            int methods = u2();
            // per method with code: its name's constant, where its code starts, how long it is
            int[] code = new int[3 * methods];
            int withCode = 0;
            for (int i = 0; i < methods; i++) {
                b.getShort();
                int name = u2();
                expect(name, UTF8);
                b.getShort();
                int attributes = u2();
                for (int a = 0; a < attributes; a++) {
                    int attribute = u2();
                    int length = length();
                    int start = b.position();
                    if (is(attribute, CODE)) {
                        skip(4);
                        int codeLength = length();
                        if (codeLength > length - 8) {
                            throw new InvalidClassException("method " + utf8(name) + " has more code than its "
                                + "attribute");
                        }
                        code[3 * withCode] = name;
                        code[3 * withCode + 1] = b.position();
                        code[3 * withCode + 2] = codeLength;
                        withCode++;
                    }
                    b.position(start + length);
                }
            }
            int attributes = u2();
            for (int a = 0; a < attributes; a++) {
                int attribute = u2();
                int length = length();
                int start = b.position();
                if (is(attribute, BOOTSTRAP_METHODS)) {
                    readBootstrapMethods();
                }
                b.position(start + length);
            }
            for (int i = 0; i < withCode; i++) {
                walk(code[3 * i], code[3 * i + 1], code[3 * i + 2]);
            }
            for (String call : unplaced) {
                if (found.stream().noneMatch(f -> f.call().equals(call))) {
                    found.add(new ProcessCall(className, "(a constant of the class)", call));
                }
            }
            return found;
        }

        private void readConstantPool() throws InvalidClassException {
            int count = u2();
            tags = new int[count];
            offsets = new int[count];
            calls = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = b.get() & 0xFF;
                tags[i] = tag;
                offsets[i] = b.position();
                switch (tag) {
                    case UTF8 -> skip(u2());
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> skip(4);
                    case 5, 6 -> {
                        skip(8);
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> skip(2);
                    case METHOD_HANDLE -> skip(3);
                    default -> throw new InvalidClassException("constant " + i + " has the unknown tag " + tag);
                }
            }
            for (int i = 1; i < count; i++) {
                if (tags[i] == METHODREF || tags[i] == INTERFACE_METHODREF) {
                    int owner = u2At(offsets[i]);
                    int nameAndType = u2At(offsets[i] + 2);
                    expect(owner, CLASS);
                    expect(nameAndType, NAME_AND_TYPE);
                    int ownerName = u2At(offsets[owner]);
                    int methodName = u2At(offsets[nameAndType]);
                    expect(ownerName, UTF8);
                    expect(methodName, UTF8);
                    // only a call on System or Runtime can be one of CALLS: the others are told apart by their
                    // bytes, without a string for each (plugins' jars hold hundreds of thousands of such constants)
                    if (isClassName(ownerName, SYSTEM) || isClassName(ownerName, RUNTIME)) {
                        calls[i] = CALLS.get(utf8(ownerName).replace('.', '/') + "." + utf8(methodName));
                    }
                }
            }
            for (int i = 1; i < count; i++) {
                if (tags[i] == METHOD_HANDLE) {
                    int ref = u2At(offsets[i] + 1);
                    if (ref <= 0 || ref >= count) {
                        throw new InvalidClassException("method handle " + i + " points outside the constant pool");
                    }
                    calls[i] = calls[ref];
                }
            }
            for (int i = 1; i < count; i++) {
                if (calls[i] != null && (tags[i] == METHODREF || tags[i] == INTERFACE_METHODREF
                    || tags[i] == METHOD_HANDLE)) {
                    unplaced.add(calls[i]);
                }
            }
        }

        /** An invokedynamic names a call if its bootstrap method or one of its static arguments does. */
        private void readBootstrapMethods() throws InvalidClassException {
            int count = u2();
            String[] bootstrapCalls = new String[count];
            for (int k = 0; k < count; k++) {
                int method = u2();
                bootstrapCalls[k] = callOf(method);
                int arguments = u2();
                for (int a = 0; a < arguments; a++) {
                    String call = callOf(u2());
                    if (call != null) {
                        bootstrapCalls[k] = call;
                    }
                }
            }
            for (int i = 1; i < tags.length; i++) {
                if (tags[i] == INVOKE_DYNAMIC) {
                    int k = u2At(offsets[i]);
                    if (k >= count) {
                        throw new InvalidClassException("invokedynamic " + i + " names a missing bootstrap method");
                    }
                    calls[i] = bootstrapCalls[k];
                }
            }
        }

        private String callOf(int index) throws InvalidClassException {
            if (index <= 0 || index >= tags.length) {
                throw new InvalidClassException("constant " + index + " is outside the constant pool");
            }
            return calls[index];
        }

        /** Walks the instructions of one method and records each one that names a call. */
        private void walk(int method, int start, int length) throws InvalidClassException {
            int end = start + length;
            int pc = start;
            while (pc < end) {
                int op = b.get(pc) & 0xFF;
                int size;
                switch (op) {
                    case 0xb6, 0xb7, 0xb8 -> { // invokevirtual, invokespecial, invokestatic
                        record(method, u2At(pc + 1));
                        size = 3;
                    }
                    case 0xb9, 0xba -> { // invokeinterface, invokedynamic
                        record(method, u2At(pc + 1));
                        size = 5;
                    }
                    case 0x12 -> { // ldc (a method handle constant is a method reference too)
                        record(method, b.get(pc + 1) & 0xFF);
                        size = 2;
                    }
                    case 0x13 -> { // ldc_w
                        record(method, u2At(pc + 1));
                        size = 3;
                    }
                    case 0xaa -> { // tableswitch
                        int p = pc + 1 + ((4 - (pc + 1 - start) % 4) % 4);
                        long low = b.getInt(p + 4);
                        long high = b.getInt(p + 8);
                        if (high < low) {
                            throw new InvalidClassException("method " + utf8(method) + " has a broken tableswitch");
                        }
                        size = checkedSize(method, (p - pc) + 12 + (high - low + 1) * 4, end - pc);
                    }
                    case 0xab -> { // lookupswitch
                        int p = pc + 1 + ((4 - (pc + 1 - start) % 4) % 4);
                        long pairs = b.getInt(p + 4);
                        if (pairs < 0) {
                            throw new InvalidClassException("method " + utf8(method) + " has a broken lookupswitch");
                        }
                        size = checkedSize(method, (p - pc) + 8 + pairs * 8, end - pc);
                    }
                    case 0xc4 -> size = (b.get(pc + 1) & 0xFF) == 0x84 ? 6 : 4; // wide
                    default -> size = size(op, method);
                }
                pc += size;
            }
            if (pc != end) {
                throw new InvalidClassException("method " + utf8(method) + " has an instruction past its code");
            }
        }

        private int checkedSize(int method, long size, int left) throws InvalidClassException {
            if (size > left) {
                throw new InvalidClassException("method " + utf8(method) + " has a switch larger than its code");
            }
            return (int) size;
        }

        private void record(int method, int index) throws InvalidClassException {
            String call = callOf(index);
            if (call != null) {
                found.add(new ProcessCall(className, utf8(method), call));
            }
        }

        private int size(int op, int method) throws InvalidClassException {
            if (op <= 0x0f || (op >= 0x1a && op <= 0x35) || (op >= 0x3b && op <= 0x83) || (op >= 0x85 && op <= 0x98)
                || (op >= 0xac && op <= 0xb1) || op == 0xbe || op == 0xbf || op == 0xc2 || op == 0xc3) {
                return 1;
            }
            if (op == 0x10 || (op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3a) || op == 0xa9 || op == 0xbc) {
                return 2;
            }
            if (op == 0x11 || op == 0x14 || op == 0x84 || (op >= 0x99 && op <= 0xa8) || (op >= 0xb2 && op <= 0xb5)
                || op == 0xbb || op == 0xbd || op == 0xc0 || op == 0xc1 || op == 0xc6 || op == 0xc7) {
                return 3;
            }
            if (op == 0xc5) {
                return 4;
            }
            if (op == 0xc8 || op == 0xc9) {
                return 5;
            }
            throw new InvalidClassException("method " + utf8(method) + " has the unknown instruction 0x"
                + Integer.toHexString(op));
        }

        private String className(int index) throws InvalidClassException {
            expect(index, CLASS);
            return utf8(u2At(offsets[index])).replace('/', '.');
        }

        private String utf8(int index) throws InvalidClassException {
            expect(index, UTF8);
            int length = u2At(offsets[index]);
            byte[] bytes = new byte[length];
            b.get(offsets[index] + 2, bytes);
            // Modified UTF-8 equals UTF-8 for the plain names compared here; the JVM refuses overlong forms.
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** Whether UTF-8 constant {@code index} holds exactly {@code ascii}. */
        private boolean is(int index, byte[] ascii) throws InvalidClassException {
            expect(index, UTF8);
            return holds(index, ascii, false);
        }

        /** As {@link #is}, with a dot in the constant read as a slash (as {@link #className} reads it). */
        private boolean isClassName(int index, byte[] internalName) {
            return holds(index, internalName, true);
        }

        private boolean holds(int index, byte[] bytes, boolean dotAsSlash) {
            int at = offsets[index];
            if (u2At(at) != bytes.length) {
                return false;
            }
            for (int k = 0; k < bytes.length; k++) {
                byte c = b.get(at + 2 + k);
                if ((dotAsSlash && c == '.' ? (byte) '/' : c) != bytes[k]) {
                    return false;
                }
            }
            return true;
        }

        private void expect(int index, int tag) throws InvalidClassException {
            if (index <= 0 || index >= tags.length || tags[index] != tag) {
                throw new InvalidClassException("constant " + index + " is not of the kind its use needs");
            }
        }

        private void skipAttributes() {
            int count = u2();
            for (int i = 0; i < count; i++) {
                b.getShort();
                skip(length());
            }
        }

        private int length() {
            int length = b.getInt();
            if (length < 0 || length > b.remaining()) {
                throw new IndexOutOfBoundsException();
            }
            return length;
        }

        private void skip(int n) {
            b.position(b.position() + n);
        }

        private int u2() {
            return b.getShort() & 0xFFFF;
        }

        private int u2At(int at) {
            return b.getShort(at) & 0xFFFF;
        }
    }
}
