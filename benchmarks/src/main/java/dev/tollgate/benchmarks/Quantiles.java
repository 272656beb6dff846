package dev.tollgate.benchmarks;

import java.util.Arrays;

/** Medians and quartiles of measured rates and ratios, for {@link Report} and {@link LocalDecisionsInTurn}. */
final class Quantiles {

    private Quantiles() {
    }

    /** The middle value; of an even number of values, the mean of the middle two. */
    static double median(double[] values) {
        return of(values, 0.5);
    }

    /** The {@code q}-quantile, interpolated between the two nearest ranks; {@code NaN} of no values. */
    static double of(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = q * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
