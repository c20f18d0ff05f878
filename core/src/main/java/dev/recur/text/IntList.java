package dev.recur.text;

import java.util.Arrays;

/** A growable int array (package-private helper for tokenizers). */
final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
        data = new int[Math.max(1, capacity)];
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, Math.max(16, data.length * 2));
        }
        data[size++] = v;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
