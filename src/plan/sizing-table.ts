/**
 * The README's sizing table, generated from the tier table so the docs cannot drift from the code.
 */
import { ENVIRONMENT_ADJUSTMENTS, onDemandBaseNodes, PRIORITIES, type Sizing, TIER_NAMES, TIERS, deepMerge } from "../../sizing";

type Row = [label: string, cell: (s: Sizing) => string];

const range = (min: number, max: number) => (min === max ? `${min}` : `${min}–${max}`);
const vcpu = (units: number) => `${units / 1024} vCPU`;
const gib = (mib: number) => `${mib / 1024} GB`;

const ROWS: Row[] = [
  [
    "AZs / NAT",
    (s) =>
      `${s.network.availabilityZones} / ${s.network.natGateways === "single" ? 1 : s.network.availabilityZones} ` +
      (s.network.natType === "instance" ? `${s.network.natInstanceType} instance(s)` : "gateway(s)"),
  ],
  ["gateway task", (s) => `${vcpu(s.gateway.cpu)}, ${gib(s.gateway.memoryMiB)}`],
  ["gateway tasks (min–max)", (s) => `${range(s.gateway.minTasks, s.gateway.maxTasks)}${s.gateway.spot ? ", Spot" : ""}`],
  ["worker task", (s) => `${vcpu(s.workers.cpu)}, ${gib(s.workers.memoryMiB)}, concurrency ${s.workers.concurrency}`],
  ...PRIORITIES.map(
    (p): Row => [
      `${p} workers (min–max)`,
      (s) => `${range(s.workers.priorities[p].minTasks, s.workers.priorities[p].maxTasks)}${s.workers.priorities[p].spot ? ", Spot" : ""}`,
    ],
  ),
  ["system nodes", (s) => `${s.systemNodes.instanceTypes.join("/")} × ${range(s.systemNodes.minNodes, s.systemNodes.maxNodes)}, ${s.systemNodes.capacityType === "SPOT" ? "spot" : "on-demand"}`],
  [
    "GPU nodes (l4 / a10g)",
    (s) =>
      `${s.gpu.instanceTypes.l4.join("/")} or ${s.gpu.instanceTypes.a10g.join("/")} × ${range(s.gpu.minNodes, s.gpu.maxNodes)}, ${gpuCapacity(s.gpu)}`,
  ],
  ["Triton replicas", (s) => range(s.triton.minReplicas, s.triton.maxReplicas)],
  ["PostgreSQL", (s) => `${s.database.instanceClass}${s.database.multiAz ? ", Multi-AZ" : ""}${s.database.readReplicas ? ` + ${s.database.readReplicas} replica` : ""}, ${s.database.backupRetentionDays} d backups`],
  ["Redis (Valkey)", (s) => `${s.cache.nodeType} × ${s.cache.nodes}`],
  ["log retention", (s) => `${s.observability.logRetentionDays} d`],
  ["monthly budget", (s) => `$${s.budgetUsd.toLocaleString("en-US")}`],
];

/** Markdown table: one column per tier and environment. */
export function sizingTableMarkdown(): string {
  const columns = TIER_NAMES.flatMap((tier) =>
    (["prod", "dev"] as const).map((env) => ({
      head: `${tier} ${env}`,
      sizing: deepMerge(TIERS[tier], ENVIRONMENT_ADJUSTMENTS[env](tier)),
    })),
  );
  return [
    `| | ${columns.map((c) => c.head).join(" | ")} |`,
    `|---|${columns.map(() => "---").join("|")}|`,
    ...ROWS.map(([label, cell]) => `| ${label} | ${columns.map((c) => cell(c.sizing)).join(" | ")} |`),
  ].join("\n");
}

/** `spot`, `on-demand`, or `2 on-demand + spot` (an on-demand base under the spot group), with its fallback. */
function gpuCapacity(gpu: Sizing["gpu"]): string {
  const base = onDemandBaseNodes(gpu);
  const capacity = gpu.capacityType === "SPOT" ? "spot" : "on-demand";
  return `${base > 0 ? `${base} on-demand + ` : ""}${capacity}${gpu.onDemandFallback ? " (on-demand fallback)" : ""}`;
}
