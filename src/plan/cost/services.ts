/**
 * Fargate pricer: the gateway (load-balanced services: minimum plus the average extra tasks) and the
 * queue workers (minimum, or the busy time the tier's jobs keep them up), and Container Insights
 * metrics of their clusters. Returns the task-hours it priced per service role, for the SQS pricer.
 */
import { arr, fargateServices, obj } from "../model";
import { HOURS_PER_MONTH, PRICES } from "../prices";
import { SECONDS_PER_DAY } from "../../../sizing";
import { MODEL_ASSUMPTIONS } from "./assumptions";
import { type Pricing, round2 } from "./pricing";

/** What a Fargate service does: serve the API behind a load balancer, or consume a queue. */
export type ServiceRole = "gateway" | "worker";

/** Task-hours a month priced per role (as the cost lines' quantities). */
export type TaskHoursByRole = Record<ServiceRole, number>;

export function priceServices(p: Pricing): TaskHoursByRole {
  const { index, usage, traffic } = p;
  const taskHours: TaskHoursByRole = { gateway: 0, worker: 0 };
  const services = fargateServices(index);
  const queueConsumers = services.filter((s) => !s.loadBalanced);
  const concurrency = p.sizing.workers?.concurrency ?? 1;
  const jobsPerConsumerPerDay = queueConsumers.length > 0 ? traffic.jobsPerDay / queueConsumers.length : 0;
  for (const s of services) {
    if (s.vcpu <= 0) {
      p.unpriced.add(`${s.service.type} (no task definition cpu/memory found for ${s.service.name})`);
      continue;
    }
    const role: ServiceRole = s.loadBalanced ? "gateway" : "worker";
    let averageTasks: number;
    let note: string;
    if (role === "gateway") {
      averageTasks = Math.min(s.maxTasks, s.minTasks + usage.gatewayAverageExtraTasks);
      note = `min ${s.minTasks} + ${usage.gatewayAverageExtraTasks} average extra`;
    } else {
      const busy = (jobsPerConsumerPerDay * usage.averageJobSeconds) / concurrency / SECONDS_PER_DAY;
      const keepsOneUp = jobsPerConsumerPerDay > 0 && SECONDS_PER_DAY / jobsPerConsumerPerDay < MODEL_ASSUMPTIONS.workerScaleInSeconds;
      averageTasks = Math.min(s.maxTasks, Math.max(s.minTasks, busy, keepsOneUp ? 1 : 0));
      note = `min ${s.minTasks}, busy ${busy.toFixed(2)}${keepsOneUp ? ", jobs keep one up" : ""}`;
    }
    const vcpuPrice = s.arm ? PRICES.fargateVcpuArm : PRICES.fargateVcpuX86;
    const gbPrice = s.arm ? PRICES.fargateGbArm : PRICES.fargateGbX86;
    const taskHourUsd = (s.vcpu * vcpuPrice.usd + s.memoryGb * gbPrice.usd) * (1 - s.spotShare * usage.fargateSpotDiscount);
    const capacity = s.spotShare > 0 ? ` Spot ${Math.round(s.spotShare * 100)} %` : "";
    const hours = averageTasks * HOURS_PER_MONTH;
    p.add(
      s.service,
      `Fargate${capacity} ${s.arm ? "ARM " : ""}${s.vcpu} vCPU/${s.memoryGb} GB × ${round2(averageTasks)} tasks (${note}) ${s.service.name}`,
      hours,
      "task-hour",
      taskHourUsd,
      { source: vcpuPrice.source, estimate: s.spotShare > 0 },
      s.minTasks * HOURS_PER_MONTH,
    );
    // As the line's quantity: `add` prices no line for zero hours, which adds nothing here either.
    if (hours > 0) taskHours[role] += round2(hours);
  }
  if (services.length > 0) {
    const insightsClusters = index
      .ofType("aws:ecs/cluster:Cluster")
      .filter((c) => arr(c.inputs.settings).some((x) => obj(x).name === "containerInsights" && obj(x).value !== "disabled"));
    for (const c of insightsClusters) {
      const metrics = MODEL_ASSUMPTIONS.containerInsightsMetricsPerCluster + services.length * MODEL_ASSUMPTIONS.containerInsightsMetricsPerService;
      p.add(c, `Container Insights metrics (${services.length} services)`, metrics, "metric-month", PRICES.customMetricMonth.usd, { ...PRICES.customMetricMonth, estimate: true });
    }
  }
  return taskHours;
}
