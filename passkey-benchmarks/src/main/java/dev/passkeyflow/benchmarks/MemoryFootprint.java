package dev.passkeyflow.benchmarks;

import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.memory.InMemoryFlowStateRepository;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The memory figures, measured outside JMH in a JVM of their own (scripts/bench runs it with
 * {@code -Xms2g -Xmx2g -XX:+UseSerialGC}).
 *
 * <ul>
 *   <li>{@code flow_state_bytes}: the UTF-8 size of the {@link FlowRecord} payload of an in-flight
 *       passkey flow (state {@code PASSKEY_PENDING} right after {@code start}), the mean over 1,000
 *       flows.
 *   <li>{@code heap_per_flow_bytes}: retained heap per in-flight flow in the in-memory flow store
 *       holding {@value #OPEN_FLOWS} open flows: heap used after a full GC with the flows open,
 *       minus heap used after a full GC before they were started, divided by their number. The
 *       flows are started through {@code LoginFlow.start} after a warm-up, and nothing but the
 *       store keeps them (the returned steps are dropped). A full GC is forced with
 *       {@code System.gc()} three times with short pauses (Serial GC honours it), and the used
 *       heap is read from {@link MemoryMXBean#getHeapMemoryUsage()}.
 * </ul>
 */
public final class MemoryFootprint {

    static final int OPEN_FLOWS = InMemoryFlowStateRepository.DEFAULT_MAX_FLOWS;
    private static final int SAMPLE_FLOWS = 1_000;

    private MemoryFootprint() {}

    public static void main(String[] args) throws InterruptedException {
        int openFlows = args.length > 0 ? Integer.parseInt(args[0]) : OPEN_FLOWS;
        try (Deployment deployment = Deployment.inMemory()) {
            Deployment.Account account = deployment.enrol("memory");

            // Warm-up and the payload sample; these flows are deleted again.
            long payloadBytes = 0;
            List<String> sample = new ArrayList<>();
            for (int i = 0; i < SAMPLE_FLOWS; i++) {
                LoginStep step = deployment.flow.start(account.identifier(), account.client());
                if (!(step instanceof LoginStep.PasskeyChallenge)) {
                    throw new IllegalStateException("expected a passkey challenge, got " + step);
                }
                FlowRecord record = deployment.flows.load(step.flowId()).orElseThrow();
                payloadBytes += record.payload().getBytes(StandardCharsets.UTF_8).length;
                sample.add(step.flowId());
            }
            sample.forEach(deployment.flows::delete);
            sample.clear();
            double flowStateBytes = (double) payloadBytes / SAMPLE_FLOWS;

            long before = usedHeapAfterGc();
            IntStream.range(0, openFlows)
                    .parallel()
                    .forEach(i -> deployment.flow.start(account.identifier(), account.client()));
            long after = usedHeapAfterGc();
            double perFlow = (double) (after - before) / openFlows;

            System.out.printf(Locale.ROOT, "open_flows=%d%n", openFlows);
            System.out.printf(Locale.ROOT, "heap_before_bytes=%d%n", before);
            System.out.printf(Locale.ROOT, "heap_after_bytes=%d%n", after);
            System.out.printf(Locale.ROOT, "flow_state_bytes=%.0f%n", flowStateBytes);
            System.out.printf(Locale.ROOT, "heap_per_flow_bytes=%.0f%n", perFlow);
            // Keeps the deployment (and so the store) reachable until after the second measurement.
            if (deployment.flows.load("x".repeat(22)).isPresent()) {
                System.out.println("impossible");
            }
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
