package dev.pipeline.it;

import static dev.pipeline.it.BenchOutput.print;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The throughput rows of the benchmark, each measured once per round: printed as the median of the
 * rounds next to every round's figure, so that one noisy round shows instead of hiding in a mean.
 */
final class ResultTable {

    private final Map<String, List<Throughput>> rows = new LinkedHashMap<>();

    void add(String row, Throughput round) {
        rows.computeIfAbsent(row, name -> new ArrayList<>()).add(round);
    }

    double median(String row, ToDoubleFunction<Throughput> figure) {
        return median(rounds(row).stream().mapToDouble(figure).toArray());
    }

    void printTable() {
        print("| row | messages/s (median) | messages/s per round | requests/s (median) | p50 ms | p99 ms | failed requests |");
        print("|---|---|---|---|---|---|---|");
        rows.forEach((name, rounds) -> print("| %s | %,.0f | %s | %,.0f | %.1f | %.1f | %d |", name,
                median(name, Throughput::messagesPerSecond),
                rounds.stream().map(round -> String.format("%,.0f", round.messagesPerSecond())).collect(Collectors.joining(" / ")),
                median(name, Throughput::requestsPerSecond), median(name, Throughput::p50Millis),
                median(name, Throughput::p99Millis), rounds.stream().mapToLong(Throughput::failures).sum()));
    }

    /** The ratio of the medians of messages/s, and for comparison the ratio within each round. */
    void printRatio(String numerator, String denominator) {
        List<Throughput> top = rounds(numerator);
        List<Throughput> bottom = rounds(denominator);
        String perRound = IntStream.range(0, Math.min(top.size(), bottom.size()))
                .mapToObj(i -> String.format("%.2f", top.get(i).messagesPerSecond() / bottom.get(i).messagesPerSecond()))
                .collect(Collectors.joining(" / "));
        print("ratio %s / %s: %.2f (per round: %s)", numerator, denominator,
                median(numerator, Throughput::messagesPerSecond) / median(denominator, Throughput::messagesPerSecond), perRound);
    }

    long failures() {
        return rows.values().stream().flatMap(List::stream).mapToLong(Throughput::failures).sum();
    }

    void printFirstFailures() {
        rows.forEach((name, rounds) -> rounds.stream().map(Throughput::firstFailure).filter(Objects::nonNull)
                .findFirst().ifPresent(failure -> print("first failure in '%s': %s", name, failure)));
    }

    private List<Throughput> rounds(String row) {
        List<Throughput> rounds = rows.get(row);
        if (rounds == null) {
            throw new IllegalArgumentException("no row " + row);
        }
        return rounds;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
