/**
 * The per-tier tables of the README and the chapters, generated from the sizing floor so they cannot
 * drift from it (`npm run docs` writes them; test/readme.test.ts fails when one is stale): the load
 * model (README, from sizing/load.ts), the services' scaling per environment × tier (docs/services.md)
 * and the data layer's sizing per tier (docs/data-layer.md), both from the tier table with the
 * environment adjustments applied (sizing/table.ts, sizing/environments.ts).
 */
import { type Environment, LOAD_MODEL, PRIORITIES, resolveSizing, type Sizing, type Tier, TIER_NAMES, tierLoad } from "../../sizing";

const ENVIRONMENTS: Environment[] = ["dev", "prod"];
const range = (min: number, max: number) => (min === max ? `${min}` : `${min}–${max}`);
const vcpu = (units: number) => `${units / 1024} vCPU`;
const gb = (mib: number) => `${mib / 1024} GB`;
const days = (n: number) => `${n} ${n === 1 ? "day" : "days"}`;
const yesNo = (b: boolean) => (b ? "yes" : "no");
/** A rate as the tables print it: two decimals below 1, one above (trailing zero dropped). */
const rate = (n: number) => (n < 1 ? n.toFixed(2) : String(Number(n.toFixed(1))));

/** README "Load model": the per-user assumptions and the traffic each tier is sized for. */
export function loadModelMarkdown(): string {
  const out = [
    "| per daily active user per day | value |",
    "|---|---|",
    `| API requests | ${LOAD_MODEL.apiRequestsPerDauPerDay} |`,
    `| of which inference calls | ${LOAD_MODEL.inferenceCallsPerDauPerDay} |`,
    `| async jobs (Celery) | ${LOAD_MODEL.jobsPerDauPerDay} |`,
    `| peak / average traffic | ${LOAD_MODEL.peakToAverage}× |`,
    "",
    "| tier | avg API req/s | peak API req/s | peak inferences/s | jobs/day |",
    "|---|---|---|---|---|",
  ];
  for (const tier of TIER_NAMES) {
    const l = tierLoad(tier);
    out.push(`| ${tier} | ${rate(l.averageApiRps)} | ${rate(l.peakApiRps)} | ${rate(l.peakInferencePerSec)} | ${l.jobsPerDay.toLocaleString("en-US")} |`);
  }
  out.push("", `Capacity at max scale must cover the modeled peak at least ${LOAD_MODEL.requiredHeadroom} times over; config validation refuses overrides that break this.`);
  return out.join("\n");
}

/** docs/services.md "Scaling per tier": gateway and worker bounds per environment × tier. */
export function servicesScalingMarkdown(): string {
  const spot = (on: boolean) => (on ? " spot" : "");
  const out = [
    `| env | tier | gateway (size, min–max tasks) | worker task | ${PRIORITIES.map((p) => `workers ${p}`).join(" | ")} |`,
    `|---|---|---|---|${PRIORITIES.map(() => "---").join("|")}|`,
  ];
  for (const env of ENVIRONMENTS) {
    for (const tier of TIER_NAMES) {
      const s = resolveSizing(tier, env);
      const g = s.gateway;
      const w = s.workers;
      out.push(
        `| ${env} | ${tier} | ${vcpu(g.cpu)} / ${gb(g.memoryMiB)}, ${range(g.minTasks, g.maxTasks)}${spot(g.spot)} | ${vcpu(w.cpu)} / ${gb(w.memoryMiB)}, concurrency ${w.concurrency}${w.shared ? ", one shared service" : ""} | ` +
          PRIORITIES.map((p) => `${range(w.priorities[p].minTasks, w.priorities[p].maxTasks)}${spot(w.priorities[p].spot)}`).join(" | ") +
          " |",
      );
    }
  }
  return out.join("\n");
}

type DataRow = [label: string, cell: (s: Sizing) => string];

const DATA_ROWS: DataRow[] = [
  ["RDS instance", (s) => s.database.instanceClass],
  ["storage (GiB, start → autoscaling max)", (s) => `${s.database.allocatedStorageGiB} → ${s.database.maxAllocatedStorageGiB.toLocaleString("en-US")}`],
  ["Multi-AZ", (s) => yesNo(s.database.multiAz)],
  ["read replicas", (s) => String(s.database.readReplicas)],
  ["backup retention (PITR window)", (s) => days(s.database.backupRetentionDays)],
  [
    "Performance Insights / enhanced monitoring",
    (s) => `${s.database.performanceInsights ? "on" : "off"} / ${s.database.monitoringIntervalSeconds > 0 ? `${s.database.monitoringIntervalSeconds} s` : "off"}`,
  ],
  ["slow-query log threshold", (s) => `${s.database.slowQueryMs} ms`],
  ["cache node type × nodes", (s) => `${s.cache.nodeType} × ${s.cache.nodes}`],
  // components/cache.ts: failover and Multi-AZ come with a second node.
  ["cache failover + Multi-AZ", (s) => yesNo(s.cache.nodes > 1)],
  ["cache snapshot retention", (s) => (s.cache.snapshotRetentionDays > 0 ? days(s.cache.snapshotRetentionDays) : "none")],
  ["S3: free tier / noncurrent versions / incomplete uploads (days)", (s) => `${s.storage.freeTierRetentionDays} / ${s.storage.noncurrentVersionDays} / ${s.storage.abortIncompleteUploadDays}`],
  // The access-log bucket keeps its objects for the stack's log retention (src/platform.ts).
  ["S3 access logs (kept for the log retention)", (s) => (s.safety.accessLogs ? days(s.observability.logRetentionDays) : "off")],
];

/** A tier's cell: prod's value, followed by dev's where the dev profile changes it. */
function prodAndDev(tier: Tier, cell: (s: Sizing) => string): string {
  const prod = cell(resolveSizing(tier, "prod"));
  const dev = cell(resolveSizing(tier, "dev"));
  return prod === dev ? prod : `${prod} (dev: ${dev})`;
}

/** docs/data-layer.md "Data-layer sizing per tier": database, cache and bucket settings per tier. */
export function dataLayerSizingMarkdown(): string {
  return [
    `| | ${TIER_NAMES.join(" | ")} |`,
    `|---|${TIER_NAMES.map(() => "---").join("|")}|`,
    ...DATA_ROWS.map(([label, cell]) => `| ${label} | ${TIER_NAMES.map((t) => prodAndDev(t, cell)).join(" | ")} |`),
  ].join("\n");
}
