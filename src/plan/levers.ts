/**
 * The cost levers of issue 15, as data: what each changes, at which tiers, and which promise says it
 * may. `measureLever` prices the prod stack with the lever undone (the overrides below) and returns
 * the difference, so docs/cost.md's "what each lever saved" is measured, never typed in; the figures
 * are pinned in src/plan/budget.ts (LEVER_SAVINGS) and test/plan/levers.test.ts.
 */
import { estimateCost } from "./cost";
import { renderStack } from "./harness";
import { type DeepPartial, type Sizing, type Tier } from "../../sizing";

export interface Lever {
  id: string;
  /** What the lever does, for the README. */
  what: string;
  /** The sizing that undoes it (what the design was before): the saving is the difference. */
  undo: (tier: Tier) => DeepPartial<Sizing>;
  /** Tiers where the shipped prod sizing uses it. */
  tiers: Tier[];
  /** Why every promise still holds. */
  promise: string;
}

export const LEVERS: readonly Lever[] = [
  {
    id: "container-insights-off",
    what: "ECS Container Insights off: the ECS alarms and dashboard read the free AWS/ECS service metrics",
    undo: () => ({ safety: { containerInsights: true } }),
    tiers: ["1k", "10k", "100k"],
    promise: "no alarm or widget reads ECS/ContainerInsights; the policy rule is advisory (FSBP ECS.12)",
  },
  {
    id: "nat-instances",
    what: "NAT instances (t4g.micro, AL2023 + iptables) instead of NAT gateways",
    undo: () => ({ network: { natType: "gateway" } }),
    tiers: ["1k", "10k"],
    promise: "one NAT per AZ from 10k up (no single-AZ egress); an instance failure pauses its AZ's egress for an EC2 recovery",
  },
  {
    id: "single-az-database-1k",
    what: "single-AZ PostgreSQL at 1k",
    undo: () => ({ database: { multiAz: true } }),
    tiers: ["1k"],
    promise: "RPO ≤ 5 min and RTO < 4 h through point-in-time restore (README \"Backup and restore\"); Multi-AZ from 10k up",
  },
  {
    id: "triton-private-dns-1k",
    what: "Triton reached through a private DNS name of its pod (ExternalDNS) instead of an internal NLB at 1k",
    undo: () => ({ triton: { endpoint: "loadBalancer" } }),
    tiers: ["1k"],
    promise: "one replica at most; same hop as before (VPC-internal, gRPC over TLS to the same name, NetworkPolicy and security groups)",
  },
  {
    id: "shared-worker-1k",
    what: "one worker service consuming all three queues at 1k",
    undo: () => ({ workers: { shared: false } }),
    tiers: ["1k"],
    promise: "jobs headroom stays ≥ 2× (capacity check); every queue still wakes the service",
  },
  {
    id: "spot-gpu-burst-100k",
    what: "GPU nodes above Triton's two minimum replicas on spot at 100k, over an on-demand base of two and with an on-demand fallback",
    undo: () => ({ gpu: { capacityType: "ON_DEMAND", onDemandBaseNodes: 0, onDemandFallback: false } }),
    tiers: ["100k"],
    promise:
      "capacity ≥ 2× never rests on spot: the on-demand fallback holds every burst node when spot is short (the plan prints that month's price, within budget), and no reclaim takes the two base GPUs sized for Triton's minimum replicas",
  },
];

/** Monthly USD the lever saves on the prod stack at `tier` (estimate with the lever undone minus the shipped one). */
export async function measureLever(lever: Lever, tier: Tier): Promise<number> {
  const price = async (overrides?: DeepPartial<Sizing>) => {
    const g = await renderStack({ stack: "prod", tier, config: overrides ? { overrides: JSON.stringify(overrides) } : undefined });
    return estimateCost(g, g.config.sizing).monthlyUsd;
  };
  const [shipped, undone] = await Promise.all([price(), price(lever.undo(tier))]);
  return Math.round(undone - shipped);
}
