/**
 * Observability pricer: CloudWatch alarms (standard and high resolution, per metric read), composite
 * alarms, dashboards, metrics from log filters, the OpenTelemetry collector's EMF metrics, KEDA's
 * GetMetricData polling, and log ingestion and storage.
 */
import type { RenderedResource } from "../harness";
import { arr, num, obj } from "../model";
import { DAYS_PER_MONTH, HOURS_PER_MONTH, PRICES } from "../prices";
import { MODEL_ASSUMPTIONS } from "./assumptions";
import type { Pricing } from "./pricing";

export function priceObservability(p: Pricing): void {
  const { index, usage } = p;
  const alarmsByComponent = new Map<string, { standard: number; high: number; alarms: RenderedResource[] }>();
  for (const a of index.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
    const c = index.componentOf(a);
    const entry = alarmsByComponent.get(c) ?? { standard: 0, high: 0, alarms: [] };
    // A metric-math alarm is billed per metric it reads.
    const metrics = Math.max(1, arr(a.inputs.metricQueries).filter((q) => obj(q).metric !== undefined).length);
    if (num(a.inputs.period, 60) < 60) entry.high += metrics;
    else entry.standard += metrics;
    entry.alarms.push(a);
    alarmsByComponent.set(c, entry);
  }
  for (const [component, { standard, high, alarms }] of alarmsByComponent) {
    const isHigh = (a: RenderedResource) => num(a.inputs.period, 60) < 60;
    p.add({ component, resources: alarms.filter((a) => !isHigh(a)) }, `CloudWatch alarms (standard) × ${standard} metrics`, standard, "alarm-metric-month", PRICES.alarmMonth.usd, PRICES.alarmMonth);
    p.add({ component, resources: alarms.filter(isHigh) }, `CloudWatch alarms (high resolution) × ${high}`, high, "alarm-metric-month", PRICES.highResolutionAlarmMonth.usd, PRICES.highResolutionAlarmMonth);
  }
  for (const a of index.ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm")) {
    p.add(a, `Composite alarm ${a.name}`, 1, "alarm-month", PRICES.compositeAlarmMonth.usd, PRICES.compositeAlarmMonth);
  }
  // The account's 3 free dashboards are not assumed: accounts usually have other dashboards.
  for (const d of index.ofType("aws:cloudwatch/dashboard:Dashboard")) {
    p.add(d, `CloudWatch dashboard ${d.name}`, 1, "dashboard-month", PRICES.dashboardMonth.usd, PRICES.dashboardMonth);
  }
  for (const f of index.ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter")) {
    p.add(f, `Custom metric from log filter ${f.name}`, 1, "metric-month", PRICES.customMetricMonth.usd, PRICES.customMetricMonth);
  }
  // Metrics an OpenTelemetry collector publishes through the CloudWatch EMF exporter are custom
  // metrics: one per selected metric name and dimension set.
  for (const r of index.resources) {
    const emf = findKey(r.inputs, "awsemf");
    if (!emf) continue;
    const metrics = arr(obj(emf).metric_declarations)
      .map(obj)
      .reduce((sum, d) => sum + arr(d.metric_name_selectors).length * Math.max(1, arr(d.dimensions).length), 0);
    p.add(r, `Custom metrics via CloudWatch EMF (${r.name})`, metrics, "metric-month", PRICES.customMetricMonth.usd, PRICES.customMetricMonth);
  }
  // KEDA's CloudWatch scaler calls GetMetricData on every polling interval, whether or not it scales.
  for (const so of index.resources.filter((r) => r.type.startsWith("kubernetes:keda.sh/") && r.type.endsWith(":ScaledObject"))) {
    const spec = obj(so.inputs.spec);
    const pollSeconds = num(spec.pollingInterval, 30);
    const metricsPerPoll = arr(spec.triggers)
      .map(obj)
      .filter((t) => t.type === "aws-cloudwatch")
      .reduce((sum, t) => sum + Math.max(1, (String(obj(t.metadata).expression ?? "").match(/SEARCH\(/g) ?? []).length), 0);
    const metricsRequested = (metricsPerPoll * HOURS_PER_MONTH * 3_600) / pollSeconds;
    p.add(
      so,
      `CloudWatch GetMetricData for KEDA (${metricsPerPoll} metrics every ${pollSeconds} s)`,
      metricsRequested / 1000,
      "1 000 metrics",
      PRICES.getMetricDataPerThousand.usd,
      PRICES.getMetricDataPerThousand,
    );
  }
  // Ingestion is priced once on usage.logGbPerMonth, however many groups hold it: the RDS exports
  // (components/database-logs.ts) add groups, not GB. Storage follows the longest retention in the
  // graph; every group RDS writes to is in the graph with the stack's retention, none kept forever.
  // Platform-wide log volume, so the observability section owns it (not whichever component happens
  // to hold the most groups: at prod 100k the database's export groups would have taken it).
  const owned = p.owned("aws:cloudwatch/logGroup:LogGroup");
  const logs = owned && { component: "observability", resources: owned.resources };
  if (logs) {
    const logGroups = logs.resources;
    p.add(logs, `Log ingestion (usage.logGbPerMonth, ${logGroups.length} log groups)`, usage.logGbPerMonth, "GB", PRICES.logIngestionGb.usd, PRICES.logIngestionGb, 0);
    const retentionDays = Math.max(...logGroups.map((g) => num(g.inputs.retentionInDays, 3653)));
    const months = Math.min(retentionDays / DAYS_PER_MONTH, MODEL_ASSUMPTIONS.maxLogStorageMonths);
    p.add(logs, `Log storage (${retentionDays} days retention)`, usage.logGbPerMonth * months, "GB-month", PRICES.logStorageGbMonth.usd, PRICES.logStorageGbMonth, 0);
  }
}

/** The first value under `key` anywhere inside a value (Helm values nest deeply). */
function findKey(v: unknown, key: string, depth = 0): unknown {
  if (depth > 12 || typeof v !== "object" || v === null) return undefined;
  if (!Array.isArray(v) && key in v) return (v as Record<string, unknown>)[key];
  for (const x of Object.values(v)) {
    const found = findKey(x, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
