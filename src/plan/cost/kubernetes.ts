/**
 * Kubernetes pricer (the inference room's compute): EKS control planes and node groups (instance
 * hours at their minimum plus the GPU scale-out the usage assumptions model, root volumes, gp3
 * throughput above the baseline).
 */
import { nodeGroups } from "../model";
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
    let extraNote = "";
    if (g === primaryGpu) {
      const extra = Math.min(usage.gpuAverageExtraNodes, g.maxNodes - g.minNodes);
      nodeHours += extra * usage.gpuActiveHoursPerDay * DAYS_PER_MONTH;
      if (extra > 0) extraNote = ` + ${extra} × ${usage.gpuActiveHoursPerDay} h/day`;
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
      g.minNodes * HOURS_PER_MONTH,
    );
    p.add(g.resource, `EBS gp3 root volumes ${g.diskGiB} GiB (${g.resource.name})`, (g.diskGiB * nodeHours) / HOURS_PER_MONTH, "GB-month", PRICES.ebsGp3GbMonth.usd, PRICES.ebsGp3GbMonth, g.diskGiB * g.minNodes);
    if (g.diskThroughputMiBps > GP3_BASELINE_MIBPS) {
      const extra = g.diskThroughputMiBps - GP3_BASELINE_MIBPS;
      p.add(
        g.resource,
        `EBS gp3 throughput ${g.diskThroughputMiBps} MiB/s (+${extra} over the baseline) (${g.resource.name})`,
        (extra * nodeHours) / HOURS_PER_MONTH,
        "MiB/s-month",
        PRICES.ebsGp3ThroughputMiBpsMonth.usd,
        PRICES.ebsGp3ThroughputMiBpsMonth,
        extra * g.minNodes,
      );
    }
  }
}
