/**
 * Fixed facts the components share: protocol ports, version pins, defaults of optional config keys
 * and AWS limits. Sizes and counts are NOT here: they live in src/tiers.ts.
 */

/** Ports. Triton's three are fixed by the server (docs: "Triton Inference Server: ports"). */
export const PORTS = {
  https: 443,
  http: 80,
  /** The FastAPI gateway container (uvicorn). */
  gateway: 8080,
  postgres: 5432,
  redis: 6379,
  tritonHttp: 8000,
  tritonGrpc: 8001,
  tritonMetrics: 8002,
  /** dcgm-exporter's Prometheus endpoint. */
  dcgmMetrics: 9400,
} as const;

/** EKS versions in standard support on 2026-11 (newest last). Update when AWS moves the window. */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.32", "1.33", "1.34", "1.35"] as const;

/** Defaults of optional config keys; `src/config.ts` applies them and the README lists them. */
export const DEFAULTS = {
  gpuType: "l4",
  kubernetesVersion: "1.34",
  tritonRepository: "nvcr.io/nvidia/tritonserver",
  /** Triton release (container tag without the `-py3` suffix). */
  tritonTag: "25.10-py3",
  imageTag: "0.1.0",
  modelRepositoryPrefix: "triton",
  /** The region the cost model's price table describes. */
  pricedRegion: "us-east-1",
  /** Prod backups shorter than this need an acknowledgement (DR target RPO 1 h relies on PITR). */
  prodMinimumBackupDays: 7,
  /** PostgreSQL major version (engine version pins the minor via auto minor upgrades). */
  postgresVersion: "17",
  postgresParameterFamily: "postgres17",
  /** Redis-compatible engine for ElastiCache. */
  cacheEngine: "valkey",
  cacheEngineVersion: "8.0",
  cacheParameterFamily: "valkey8",
} as const;

/** Fargate task sizes: valid memory (MiB) per CPU unit count (AWS ECS docs, "Task size"). */
export const FARGATE_MEMORY_BY_CPU: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}
