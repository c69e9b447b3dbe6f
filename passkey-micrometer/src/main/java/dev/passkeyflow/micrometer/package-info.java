/**
 * Micrometer meters for {@link dev.passkeyflow.core.LoginFlow}
 * ({@link dev.passkeyflow.micrometer.PasskeyFlowMetrics}) and login KPIs computed from events or
 * stored attempt history ({@link dev.passkeyflow.micrometer.LoginKpis}). Meter names, tags and
 * PromQL examples: docs/metrics.md.
 */
@NullMarked
package dev.passkeyflow.micrometer;

import org.jspecify.annotations.NullMarked;
