package dev.passkeyflow.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Turns one run's JMH JSON results and {@link MemoryFootprint} output into a Markdown table and
 * the single {@code bench:} line (last), preceded by a {@code bench-extra:} line of figures that have
 * no target. Every ratio compares average times per operation measured in the same run; a login is
 * its two measured halves added up (start + finish). A figure whose benchmarks did not run is
 * printed as {@code n/a}.
 *
 * <p>Usage: {@code BenchReport <memory.properties> <jmh-result.json>...} (a run may have several
 * JMH invocations, e.g. the scaling benchmarks with their longer warm-up).
 */
public final class BenchReport {

    private final Map<String, Double> scores = new TreeMap<>();
    private final Map<String, String> rows = new LinkedHashMap<>();

    private BenchReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: BenchReport <memory.properties> <jmh-result.json>...");
            System.exit(2);
        }
        BenchReport report = new BenchReport();
        for (int i = 1; i < args.length; i++) {
            report.readJmh(Path.of(args[i]));
        }
        Properties memory = new Properties();
        if (Files.exists(Path.of(args[0]))) {
            try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
                memory.load(in);
            }
        }
        System.out.println("| benchmark | params | threads | avg time (us/op) | error (99.9%) |");
        System.out.println("|---|---|---:|---:|---:|");
        report.rows.values().forEach(System.out::println);
        System.out.println();
        System.out.println(report.extraLine());
        System.out.println(report.line(memory));
    }

    private void readJmh(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        for (JsonNode result : root) {
            String name = result.path("benchmark").asText();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            StringJoiner params = new StringJoiner(",");
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            result.path("params").properties().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                params.add(p.getKey() + "=" + p.getValue().asText());
            }
            String key = params.length() == 0 ? name : name + "[" + params + "]";
            JsonNode metric = result.path("primaryMetric");
            double score = toMicros(
                    metric.path("score").asDouble(), metric.path("scoreUnit").asText());
            double error = toMicros(
                    metric.path("scoreError").asDouble(Double.NaN),
                    metric.path("scoreUnit").asText());
            scores.put(key, score);
            rows.put(
                    key,
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %d | %.1f | %s |",
                            name,
                            params.length() == 0 ? "" : params.toString(),
                            result.path("threads").asInt(),
                            score,
                            Double.isNaN(error) ? "" : String.format(Locale.ROOT, "%.1f", error)));
        }
    }

    private static double toMicros(double value, String unit) {
        return switch (unit) {
            case "ns/op" -> value / 1_000;
            case "us/op" -> value;
            case "ms/op" -> value * 1_000;
            case "s/op" -> value * 1_000_000;
            default -> throw new IllegalArgumentException("unexpected unit " + unit);
        };
    }

    private OptionalDouble score(String key) {
        Double value = scores.get(key);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** start + finish of one benchmark class and parameter set. */
    private OptionalDouble login(String benchmark, String first, String second, String params) {
        String suffix = params.isEmpty() ? "" : "[" + params + "]";
        OptionalDouble a = score(benchmark + "." + first + suffix);
        OptionalDouble b = score(benchmark + "." + second + suffix);
        return a.isPresent() && b.isPresent()
                ? OptionalDouble.of(a.getAsDouble() + b.getAsDouble())
                : OptionalDouble.empty();
    }

    private static String ratio(OptionalDouble numerator, OptionalDouble denominator) {
        return ratio(numerator, denominator, 1);
    }

    private static String ratio(OptionalDouble numerator, OptionalDouble denominator, double factor) {
        if (numerator.isEmpty() || denominator.isEmpty()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", factor * numerator.getAsDouble() / denominator.getAsDouble());
    }

    /**
     * Figures without a target, printed before the {@code bench:} line: the flow against raw Yubico
     * written with one cached ObjectMapper (the raw baseline pays Yubico's per-call mappers).
     */
    private String extraLine() {
        OptionalDouble rawCached = login("RawYubicoBenchmark", "startCachedMapper", "finishCachedMapper", "");
        OptionalDouble flow = login("FlowBenchmark", "start", "finish", "advisor=default");
        OptionalDouble intel = login("FlowBenchmark", "start", "finish", "advisor=intelligence");
        OptionalDouble floor = score("FloorBenchmark.verify");
        return "bench-extra:"
                + " flow_vs_raw_cached_mapper=" + ratio(flow, rawCached)
                + " intel_vs_raw_cached_mapper=" + ratio(intel, rawCached)
                + " raw_cached_mapper_vs_floor=" + ratio(rawCached, floor);
    }

    private String line(Properties memory) {
        OptionalDouble raw = login("RawYubicoBenchmark", "start", "finish", "");
        OptionalDouble flow = login("FlowBenchmark", "start", "finish", "advisor=default");
        OptionalDouble intel = login("FlowBenchmark", "start", "finish", "advisor=intelligence");
        OptionalDouble floor = score("FloorBenchmark.verify");
        OptionalDouble heal = login("HealBenchmark", "untilOffer", "finish", "");
        OptionalDouble decision10 = score("DecisionBenchmark.onStart[history=10]");
        OptionalDouble decision100k = score("DecisionBenchmark.onStart[history=100000]");
        OptionalDouble h2 = login("JdbcFlowBenchmark", "start", "finish", "db=h2");
        OptionalDouble pg = login("JdbcFlowBenchmark", "start", "finish", "db=postgresql");
        OptionalDouble twoThreads = login("FlowScalingBenchmark", "start", "finish", "");
        OptionalDouble oneThread = login("FlowScalingBenchmark", "startOneThread", "finishOneThread", "");
        return "bench:"
                + " flow_vs_raw=" + ratio(flow, raw)
                + " intel_vs_raw=" + ratio(intel, raw)
                + " raw_vs_floor=" + ratio(raw, floor)
                + " heal_vs_flow=" + ratio(heal, flow)
                + " decision_100k_vs_10=" + ratio(decision100k, decision10)
                + " jdbc_h2_vs_mem=" + ratio(h2, flow)
                + " jdbc_pg_vs_mem=" + ratio(pg, flow)
                + " pg_round_trips_per_login=" + memory.getProperty("pg_round_trips_per_login", "n/a")
                // throughput(2) / throughput(1) = (2 / avg(2 threads)) / (1 / avg(1 thread))
                + " threads2_vs_1=" + ratio(oneThread, twoThreads, 2)
                + " flow_state_bytes=" + memory.getProperty("flow_state_bytes", "n/a")
                + " heap_per_flow_bytes=" + memory.getProperty("heap_per_flow_bytes", "n/a");
    }
}
