/**
 * Quantities (CPU and memory as Kubernetes writes them) and the kubelet's reservations on an EKS
 * AL2023 node (nodeadm), giving the allocatable resources of one node of an instance type.
 */
import { INSTANCE_TYPES, maxPods } from "../../../sizing";
import type { PoolCapacity } from "./types";

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A CPU quantity (`100m`, `2`, `0.5`) in millicores. */
export function cpuMillis(q: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(String(q ?? "0"));
  if (!m) throw new Error(`not a CPU quantity: ${String(q)}`);
  return m[2] ? Number(m[1]) : Number(m[1]) * 1000;
}

/** A memory quantity (`128Mi`, `8Gi`, `500M`, bytes) in MiB. */
export function memoryMiB(q: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q ?? "0"));
  if (!m) throw new Error(`not a memory quantity: ${String(q)}`);
  const n = Number(m[1]);
  const unit = m[2];
  if (!unit) return n / 2 ** 20;
  return unit in BINARY ? n * BINARY[unit] : (n * DECIMAL[unit]) / 2 ** 20;
}

/** nodeadm's `getCPUMillicoresToReserve`: 6 % of core 1, 1 % of core 2, 0.5 % of cores 3–4, 0.25 % beyond. */
export function kubeReservedCpuMillis(totalMillis: number): number {
  const ranges: [number, number, number][] = [
    [0, 1000, 600],
    [1000, 2000, 100],
    [2000, 4000, 50],
    [4000, Infinity, 25],
  ];
  return ranges.reduce((sum, [start, end, basisPoints]) => {
    if (totalMillis <= start) return sum;
    return sum + Math.floor(((Math.min(totalMillis, end) - start) * basisPoints) / 10_000);
  }, 0);
}

/** nodeadm's `getMemoryMebibytesToReserve`. */
export function kubeReservedMemoryMiB(pods: number): number {
  return 11 * pods + 255;
}

/** nodeadm's default `evictionHard` `memory.available`. */
export const EVICTION_HARD_MEMORY_MIB = 100;

/** Allocatable resources of one node of an instance type (kubelet view, before any pod). */
export function allocatable(instanceType: string, prefixDelegation: boolean): PoolCapacity["allocatable"] & { maxPods: number } {
  const type = INSTANCE_TYPES[instanceType];
  if (!type) throw new Error(`${instanceType} is not in the instance catalogue (sizing/instances.ts)`);
  const pods = maxPods(type, prefixDelegation);
  const cpu = type.vcpu * 1000;
  return {
    cpuMilli: cpu - kubeReservedCpuMillis(cpu),
    memoryMiB: type.memoryGiB * 1024 - kubeReservedMemoryMiB(pods) - EVICTION_HARD_MEMORY_MIB,
    gpus: type.gpus,
    pods,
    maxPods: pods,
  };
}
