/**
 * Kubernetes pricer (the inference room's compute): EKS control planes and node groups (instance
 * hours at their minimum plus the GPU scale-out the usage assumptions model, root volumes, gp3
 * throughput above the baseline).
 */
import { cronWindowHoursPerWeek } from "../../../sizing";
import { arr, nodeGroups, num, obj } from "../model";
import { MODEL_ASSUMPTIONS } from "./assumptions";
import { DAYS_PER_MONTH, EC2_HOURLY, HOURS_PER_MONTH, PRICES } from "../prices";
import type { Pricing } from "./pricing";

/** gp3 includes 125 MiB/s of throughput at any size; more is billed per MiB/s-month. */
const GP3_BASELINE_MIBPS = 125;

export function priceKubernetes(p: Pricing): void {
  const { index, usage } = p;
  for (const cluster of index.ofType("aws:eks/cluster:Cluster")) {
    p.add(cluster, `EKS control plane ${cluster.name}`, HOURS_PER_MONTH, "hour", PRICES.eksControlPlane.usd, PRICES.eksControlPlane);
  }
  const groups = nodeGroups(index);
  const gpuGroups = groups.filter((g) => g.gpu);
  // Scale-out above the minimum happens in the group the autoscaler's priority expander prefers (the
  // `primary` pool; for a graph without pool labels, the spot group, else the largest); an on-demand
  // fallback group only runs when spot capacity is short, and the fixed-size base never scales.
  const primaryGpu =
    gpuGroups.find((g) => g.gpuPool === "primary") ?? [...gpuGroups].sort((a, b) => Number(b.spot) - Number(a.spot) || b.maxNodes - a.maxNodes)[0];
  const hasOnDemandFallback = gpuGroups.some((g) => g.gpuPool === "fallback" && !g.spot);
  p.spotWithoutFallback = gpuGroups.some((g) => g.spot) && !hasOnDemandFallback;
  for (const g of groups) {
    const price = EC2_HOURLY[g.instanceType];
    if (!price) {
      p.unpriced.add(`${g.resource.type} (instance type ${g.instanceType})`);
      continue;
    }
    let nodeHours = g.minNodes * HOURS_PER_MONTH;
    let floorHours = nodeHours;
    let extraNote = "";
    if (g === primaryGpu) {
      const extra = Math.min(usage.gpuAverageExtraNodes, g.maxNodes - g.minNodes);
      const modeled = extra * usage.gpuActiveHoursPerDay * DAYS_PER_MONTH;
      if (extra > 0) extraNote = ` + ${extra} × ${usage.gpuActiveHoursPerDay} h/day`;
      // Warm windows run their node whatever the traffic (floor); the modeled active hours are
      // assumed to fall inside them first (a window is opened where the users are), so the month
      // pays the larger of the two, not their sum.
      const warm = warmWindowNodeHours(p);
      if (warm > 0) extraNote += ` or warm windows ${Math.round(warm)} h/month, whichever is more (modeled hours fall inside the windows)`;
      nodeHours += Math.max(modeled, warm);
      floorHours += warm;
    }
    const unitUsd = price.usd * (g.spot ? 1 - usage.ec2SpotDiscount : 1);
    if (g.spot && g.gpu && hasOnDemandFallback) p.spotShortfallUsd += nodeHours * (price.usd - unitUsd);
    const capacity = g.spot ? `spot (−${Math.round(usage.ec2SpotDiscount * 100)} %)` : "on-demand";
    p.add(
      g.resource,
      `${g.instanceType} ${capacity} nodes: min ${g.minNodes}${extraNote} (${g.resource.name})`,
      nodeHours,
      "node-hour",
      unitUsd,
      { source: price.source, estimate: price.estimate || g.spot },
      floorHours,
    );
    p.add(g.resource, `EBS gp3 root volumes ${g.diskGiB} GiB (${g.resource.name})`, (g.diskGiB * nodeHours) / HOURS_PER_MONTH, "GB-month", PRICES.ebsGp3GbMonth.usd, PRICES.ebsGp3GbMonth, (g.diskGiB * floorHours) / HOURS_PER_MONTH);
    if (g.diskThroughputMiBps > GP3_BASELINE_MIBPS) {
      const extra = g.diskThroughputMiBps - GP3_BASELINE_MIBPS;
      p.add(
        g.resource,
        `EBS gp3 throughput ${g.diskThroughputMiBps} MiB/s (+${extra} over the baseline) (${g.resource.name})`,
        (extra * nodeHours) / HOURS_PER_MONTH,
        "MiB/s-month",
        PRICES.ebsGp3ThroughputMiBpsMonth.usd,
        PRICES.ebsGp3ThroughputMiBpsMonth,
        (extra * floorHours) / HOURS_PER_MONTH,
      );
    }
  }
}

/** Weeks in a billing month (730 h). */
const WEEKS_PER_MONTH = HOURS_PER_MONTH / (24 * 7);

/**
 * GPU node hours a month the warm windows keep up, read from the rendered ScaledObjects' `cron`
 * triggers: each window's open hours × `desiredReplicas`, plus after each closing the ScaledObject's
 * `cooldownPeriod` (KEDA keeps the replica until it passes) and the autoscaler's scale-down delay for
 * the emptied node. A cron schedule of another shape is reported unpriced, not guessed.
 */
function warmWindowNodeHours(p: Pricing): number {
  let hours = 0;
  for (const scaledObject of p.index.ofType("kubernetes:keda.sh/v1alpha1:ScaledObject")) {
    const spec = obj(scaledObject.inputs.spec);
    // KEDA's default cooldownPeriod is 300 s (KEDA docs, ScaledObject specification).
    const tailHours = (num(spec.cooldownPeriod, 300) + MODEL_ASSUMPTIONS.gpuScaleDownSeconds) / 3600;
    for (const trigger of arr(spec.triggers).map(obj).filter((t) => t.type === "cron")) {
      const metadata = obj(trigger.metadata);
      const window = cronWindowHoursPerWeek(String(metadata.start), String(metadata.end));
      if (!window) {
        p.unpriced.add(`${scaledObject.type} (a cron trigger whose schedule the cost model cannot read: ${String(metadata.start)} → ${String(metadata.end)})`);
        continue;
      }
      hours += num(metadata.desiredReplicas, 1) * WEEKS_PER_MONTH * (window.hours + window.openings * tailHours);
    }
  }
  return hours;
}
