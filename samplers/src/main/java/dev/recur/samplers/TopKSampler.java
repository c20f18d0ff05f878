package dev.recur.samplers;

import dev.recur.spi.Sampler;
import java.util.random.RandomGenerator;

/**
 * A draw from the tempered softmax restricted to the k highest logits. The k candidates are found with a
 * bounded min-heap (O(V log k)), not by sorting the vocabulary; ties at the boundary prefer lower ids. A k
 * larger than the vocabulary means the whole vocabulary (buffers are sized by the smaller of the two).
 */
public final class TopKSampler implements Sampler {

    private final int k;
    private final double temperature;
    private int[] heap;
    private double[] w;

    public TopKSampler(int k, double temperature) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        Distributions.checkTemperature(temperature);
        this.k = k;
        this.temperature = temperature;
        // the candidate buffers are sized by min(k, vocabulary) at the first draw: k may exceed any vocabulary
        this.heap = new int[0];
        this.w = new double[0];
    }

    @Override
    public int sample(float[] logits, int off, int vocab, RandomGenerator random) {
        Distributions.checkLogits(logits, off, vocab);
        int n = Math.min(k, vocab);
        if (heap.length < n) {
            heap = new int[n];
            w = new double[n];
        }
        int size = 0;
        for (int i = 0; i < vocab; i++) {
            if (size < n) {
                heap[size] = i;
                siftUp(logits, off, size++);
            } else if (logits[off + i] > logits[off + heap[0]]) {
                heap[0] = i;
                siftDown(logits, off, size);
            }
        }
        // deterministic order of the candidates: ascending id
        java.util.Arrays.sort(heap, 0, size);
        double sum = Distributions.weights(logits, off, heap, size, temperature, w);
        return heap[Distributions.draw(w, size, sum, random)];
    }

    /** Min-heap by logit; among equal logits the higher id is "smaller", so lower ids are kept. */
    private boolean less(float[] l, int off, int a, int b) {
        float x = l[off + a];
        float y = l[off + b];
        return x < y || (x == y && a > b);
    }

    private void siftUp(float[] l, int off, int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!less(l, off, heap[i], heap[p])) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[p];
            heap[p] = t;
            i = p;
        }
    }

    private void siftDown(float[] l, int off, int size) {
        int i = 0;
        while (true) {
            int a = 2 * i + 1;
            int b = a + 1;
            int m = i;
            if (a < size && less(l, off, heap[a], heap[m])) {
                m = a;
            }
            if (b < size && less(l, off, heap[b], heap[m])) {
                m = b;
            }
            if (m == i) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[m];
            heap[m] = t;
            i = m;
        }
    }
}
