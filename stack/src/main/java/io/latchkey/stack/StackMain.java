package io.latchkey.stack;

/** Placeholder until the dev launcher lands. */
public final class StackMain {
    private StackMain() {}

    public static void main(String[] args) {}
}
