/**
 * Documented budget exceptions of the shipped prod stack: a tier whose estimate exceeds its budget
 * without giving up something the architecture requires. The cost test pins each amount (rounded to
 * the dollar) so a change in cost shows up here and in the README, never silently.
 */
import type { Tier } from "../../sizing";

export interface BudgetException {
  /** Estimate minus budget, rounded to the dollar. */
  overUsd: number;
  /** The named reason, as the README states it. */
  reason: string;
}

export const BUDGET_EXCEPTIONS: Partial<Record<Tier, BudgetException>> = {
  "1k": {
    overUsd: 27,
    reason:
      "the floor of the prod design is $197 before the first user: EKS control plane ($73), an always-on system node ($26), the ALB with its public IPv4 addresses ($24), WAF ($9), two gateway tasks ($14), PostgreSQL ($14), Redis ($12), a NAT instance ($10) and alarms, dashboard and metrics (~$11); GPU hours on spot ($68) and usage bring it to $277. $250 would take leaving EKS at 1k (see \"What $250 at 1k would still take\")",
  },
};

/** Monthly cost of the prod stack before any traffic (`CostEstimate.floorUsd`), pinned to the dollar. */
export const FLOOR_USD: Record<Tier, number> = { "1k": 197, "10k": 622, "100k": 2_653 };

/**
 * Monthly USD each lever of src/plan/levers.ts saves on the prod stack, measured one at a time
 * against the shipped sizing (`measureLever`), pinned to the dollar by test/plan/levers.test.ts.
 * They interact: Container Insights is priced per ECS service, so at 1k it saves less once the
 * three worker services are one.
 */
export const LEVER_SAVINGS: Record<string, Partial<Record<Tier, number>>> = {
  "container-insights-off": { "1k": 18, "10k": 32, "100k": 32 },
  // Each NAT instance carries a reboot-on-hang alarm ($0.10/month), which took 10k from 57 to 56.
  "nat-instances": { "1k": 28, "10k": 56 },
  "single-az-database-1k": { "1k": 14 },
  // The private zone exists at every tier since TLS on the Triton hop (one name for the certificate), so
  // the NLB the lever avoids is the whole difference: 18 -> 19.
  "triton-private-dns-1k": { "1k": 19 },
  "shared-worker-1k": { "1k": 11 },
  "spot-gpu-burst-100k": { "100k": 484 },
};

/** The prod estimates before issue 15's levers (README history), for the savings table. */
export const BEFORE_LEVERS_USD: Record<Tier, number> = { "1k": 380, "10k": 817, "100k": 4_161 };
