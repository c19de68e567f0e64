/**
 * The assumptions an estimate rests on: the model's own constants (figures neither the graph nor
 * `sizing.usage` holds), the monthly traffic read from the load model (`tierLoad`), and the list
 * printed next to every estimate.
 */
import { DAYS_PER_MONTH, HOURS_PER_MONTH } from "../prices";
import { LOAD_MODEL, SECONDS_PER_DAY, SERVICES, type Tier, tierLoad, WORKER_SCALING } from "../../../sizing";

/** Compressed size of one gateway or worker image (GB): a Python service image with its wheels. */
const ECR_GB_PER_IMAGE = 0.2;
import type { CostAssumption, CostSizing } from "./types";

/**
 * Assumptions of the model itself (not per tier): where a figure is needed that neither the graph
 * nor `sizing.usage` holds. Printed with every estimate.
 */
export const MODEL_ASSUMPTIONS = {
  /** SQS requests per job: send, receive, change visibility, delete. */
  sqsRequestsPerJob: 4,
  /** S3 writes and reads per job (input upload + result; result download, model/artifact reads). */
  s3PutsPerJob: 2,
  s3GetsPerJob: 4,
  /** GB per ECR repository: the lifecycle policy keeps `SERVICES.ecrImagesKept` images of ~200 MB compressed. */
  ecrGbPerRepository: SERVICES.ecrImagesKept * ECR_GB_PER_IMAGE,
  /**
   * A queue that gets a job more often than this keeps one worker task up: the workers' scale-in alarm
   * fires only after `idleMinutesBeforeScaleIn` consecutive idle periods (components/services/worker-scaling.ts).
   */
  workerScaleInSeconds: WORKER_SCALING.idleMinutesBeforeScaleIn * WORKER_SCALING.periodSeconds,
  /** Months of logs kept at most when pricing log storage (retention beyond is rare in practice). */
  maxLogStorageMonths: 12,
  /** ECS Container Insights metrics (billed as custom metrics) per cluster and per service. */
  containerInsightsMetricsPerCluster: 12,
  containerInsightsMetricsPerService: 24,
  /**
   * Seconds an empty GPU node lives on after its last pod: cluster-autoscaler's default
   * `--scale-down-unneeded-time` (10 min; the chart does not set it). Priced after each warm window.
   */
  gpuScaleDownSeconds: 600,
} as const;

/** Monthly traffic of a tier: the load model's daily figures (`tierLoad`) over a billing month. */
export interface MonthlyTraffic {
  dau: number;
  apiRequests: number;
  jobs: number;
  jobsPerDay: number;
}

/** Jobs and API requests a month, from the load model of the tier (nothing re-derived here). */
export function monthlyTraffic(tier: Tier): MonthlyTraffic {
  const load = tierLoad(tier);
  return {
    dau: load.dau,
    apiRequests: load.averageApiRps * SECONDS_PER_DAY * DAYS_PER_MONTH,
    jobs: load.jobsPerDay * DAYS_PER_MONTH,
    jobsPerDay: load.jobsPerDay,
  };
}

/** The usage assumptions an estimate rests on, for printing next to it. */
export function costAssumptions(sizing: CostSizing, tier: Tier): CostAssumption[] {
  const u = sizing.usage;
  const traffic = monthlyTraffic(tier);
  return [
    { name: "hoursPerMonth", value: HOURS_PER_MONTH, meaning: "every hourly price × 730" },
    { name: "usage.gpuActiveHoursPerDay", value: u.gpuActiveHoursPerDay, meaning: "hours a day the GPU fleet runs above its minimum" },
    { name: "usage.gpuAverageExtraNodes", value: u.gpuAverageExtraNodes, meaning: "GPU nodes above the minimum while active" },
    { name: "usage.gatewayAverageExtraTasks", value: u.gatewayAverageExtraTasks, meaning: "gateway tasks above the minimum on average" },
    { name: "usage.averageJobSeconds", value: u.averageJobSeconds, meaning: "seconds of one worker slot per job" },
    { name: "usage.natGbPerMonth", value: u.natGbPerMonth, meaning: "GB through NAT a month" },
    { name: "usage.logGbPerMonth", value: u.logGbPerMonth, meaning: "GB of logs ingested a month" },
    { name: "usage.s3GbStored", value: u.s3GbStored, meaning: "GB stored in S3" },
    { name: "usage.albAverageLcu", value: u.albAverageLcu, meaning: "average ALB LCUs" },
    { name: "usage.nlbAverageLcu", value: u.nlbAverageLcu, meaning: "average NLCUs per NLB" },
    { name: "usage.ec2SpotDiscount", value: u.ec2SpotDiscount, meaning: "spot discount on EC2 list price" },
    { name: "usage.fargateSpotDiscount", value: u.fargateSpotDiscount, meaning: "Fargate Spot discount" },
    { name: "apiRequestsPerMonth", value: Math.round(traffic.apiRequests), meaning: `load model: ${traffic.dau} DAU × ${LOAD_MODEL.apiRequestsPerDauPerDay} requests × ${DAYS_PER_MONTH.toFixed(1)} days` },
    { name: "jobsPerMonth", value: Math.round(traffic.jobs), meaning: `load model: ${traffic.dau} DAU × ${LOAD_MODEL.jobsPerDauPerDay} jobs × ${DAYS_PER_MONTH.toFixed(1)} days` },
    ...Object.entries(MODEL_ASSUMPTIONS).map(([k, v]) => ({ name: `model.${k}`, value: v, meaning: "cost-model constant (src/plan/cost/assumptions.ts)" })),
    { name: "freeTiers", value: "none", meaning: "account-level free tiers (3 dashboards, 1 M SQS requests, ...) are not applied" },
  ];
}
