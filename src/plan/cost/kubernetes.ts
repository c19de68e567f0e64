/**
 * Kubernetes pricer (the inference room's compute): EKS control planes and node groups (instance
 * hours at their minimum plus the GPU scale-out the usage assumptions model, root volumes, gp3
 * throughput above the baseline).
 */
import { parseCronWindow } from "../../../sizing";
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
      // Warm windows run a node whatever the traffic (floor). The load model's active hours are spread
      // over all seven days; on a day a window opens they are assumed to fall inside it (a window is
      // opened where the users are), so that day pays the larger of the two; other days pay the model.
      // A group that never drops below one node already holds the window's replica.
      const warmByDay = g.minNodes === 0 ? warmWindowHoursByWeekday(p) : undefined;
      if (warmByDay) {
        const modeledPerDay = modeled / WEEKS_PER_MONTH / 7;
        const warm = warmByDay.reduce((sum, h) => sum + h, 0) * WEEKS_PER_MONTH;
        nodeHours += warmByDay.reduce((sum, h) => sum + Math.max(h, modeledPerDay), 0) * WEEKS_PER_MONTH;
        floorHours += warm;
        extraNote += ` with warm windows ${Math.round(warm)} h/month (on their days the modeled hours fall inside them)`;
      } else {
        nodeHours += modeled;
      }
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
 * Hours per weekday (0 = Sunday) the warm windows keep a GPU node up, read from the rendered
 * ScaledObjects' `cron` triggers; undefined when there are none. Per day the windows of one time zone
 * are merged (an overlap or a gap shorter than the tail keeps the node up); windows in different time
 * zones are added up, an upper bound (their clock times are not compared). Each merged stretch is followed by
 * the tail: the ScaledObject's `cooldownPeriod` (KEDA keeps the replica until it passes) and the
 * autoscaler's scale-down delay for the emptied node. Times `desiredReplicas` (the largest, an upper
 * bound). A tail past midnight is counted on its day. A cron schedule of another shape is reported
 * unpriced, not guessed.
 */
function warmWindowHoursByWeekday(p: Pricing): number[] | undefined {
  const byZone = new Map<string, [number, number][][]>();
  let replicas = 0;
  let tailMinutes = 0;
  for (const scaledObject of p.index.ofType("kubernetes:keda.sh/v1alpha1:ScaledObject")) {
    const spec = obj(scaledObject.inputs.spec);
    // KEDA's default cooldownPeriod is 300 s (KEDA docs, ScaledObject specification).
    tailMinutes = Math.max(tailMinutes, (num(spec.cooldownPeriod, 300) + MODEL_ASSUMPTIONS.gpuScaleDownSeconds) / 60);
    for (const trigger of arr(spec.triggers).map(obj).filter((t) => t.type === "cron")) {
      const metadata = obj(trigger.metadata);
      const window = parseCronWindow(String(metadata.start), String(metadata.end));
      if (!window) {
        p.unpriced.add(`${scaledObject.type} (a cron trigger whose schedule the cost model cannot read: ${String(metadata.start)} → ${String(metadata.end)})`);
        continue;
      }
      replicas = Math.max(replicas, num(metadata.desiredReplicas, 1));
      const zone = String(metadata.timezone);
      if (!byZone.has(zone)) byZone.set(zone, Array.from({ length: 7 }, () => []));
      for (const day of window.days) byZone.get(zone)![day].push([window.startMinute, window.endMinute]);
    }
  }
  if (replicas === 0) return undefined;
  const openMinutes = (intervals: [number, number][]) => {
    let minutes = 0;
    let open: [number, number] | undefined;
    for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
      if (open && start <= open[1] + tailMinutes) open[1] = Math.max(open[1], end);
      else {
        if (open) minutes += open[1] - open[0] + tailMinutes;
        open = [start, end];
      }
    }
    if (open) minutes += open[1] - open[0] + tailMinutes;
    return minutes;
  };
  return Array.from({ length: 7 }, (_, day) => (replicas * [...byZone.values()].reduce((sum, days) => sum + openMinutes(days[day]), 0)) / 60);
}
