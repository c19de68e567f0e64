/**
 * The cost model: a pure function from a rendered graph (and the stack's sizing, for usage
 * assumptions only) to a monthly estimate with one line per priced item, each naming the rendered
 * resources it prices.
 *
 * Priced FROM THE RENDERED RESOURCES: instance classes, counts, Multi-AZ, node group types and
 * sizes, task definitions × scaling targets, NAT strategy, load balancers, alarms, secrets, keys.
 * The tier table is read only for usage (`sizing.usage`: hours, GB, LCUs, spot discounts) and the
 * load model (`tierLoad`), which are returned with the estimate. Every resource type is either
 * priced, on the explicit free list (free.ts), or reported in `unpriced`: nothing that costs money
 * is silently zero.
 *
 * One pricer per section, run in this order (the order of the lines): network, edge (load balancers
 * and WAF), Kubernetes (EKS and node groups), Fargate services (gateway and workers), database,
 * cache, security (KMS, secrets), observability, storage (S3, ECR), queues (SQS).
 */
import { GraphIndex, type PlanGraph } from "../model";
import { PRICE_DATE, PRICED_REGION } from "../prices";
import type { Tier } from "../../../sizing";
import { costAssumptions, monthlyTraffic } from "./assumptions";
import { priceCaches } from "./cache";
import { priceDatabases } from "./database";
import { priceEdge } from "./edge";
import { unpricedTypes } from "./free";
import { priceKubernetes } from "./kubernetes";
import { priceNetwork } from "./network";
import { priceObservability } from "./observability";
import { Pricing, round2 } from "./pricing";
import { priceSecurity } from "./security";
import { priceServices } from "./services";
import { priceQueues, priceStorage } from "./storage";
import type { CostEstimate, CostSizing } from "./types";

export { costAssumptions, MODEL_ASSUMPTIONS } from "./assumptions";
export { FREE_TYPES, freeReason } from "./free";
export type { CostAssumption, CostEstimate, CostLine, CostSizing, PricedResource } from "./types";

/**
 * Monthly cost of a rendered graph.
 * @param graph the rendered resources (a full `RenderedGraph` or a synthetic mini-graph)
 * @param sizing usage assumptions, the budget and (optionally) worker concurrency
 * @param tier the traffic tier, for request-driven lines (WAF, SQS, S3 requests); defaults to the graph's
 */
export function estimateCost(graph: PlanGraph, sizing: CostSizing, tier: Tier = graph.config?.tier ?? "1k"): CostEstimate {
  const index = new GraphIndex(graph);
  const p = new Pricing(index, sizing, monthlyTraffic(tier));
  for (const type of unpricedTypes(index)) p.unpriced.add(type);

  priceNetwork(p);
  priceEdge(p);
  priceKubernetes(p);
  const taskHours = priceServices(p);
  priceDatabases(p);
  priceCaches(p);
  priceSecurity(p);
  priceObservability(p);
  priceStorage(p);
  priceQueues(p, taskHours);

  const monthlyUsd = round2(p.lines.reduce((s, l) => s + l.monthlyUsd, 0));
  return {
    monthlyUsd,
    floorUsd: round2(p.lines.reduce((s, l) => s + l.floorUsd, 0)),
    budgetUsd: sizing.budgetUsd,
    fitsBudget: monthlyUsd <= sizing.budgetUsd,
    priceDate: PRICE_DATE,
    region: PRICED_REGION,
    lines: p.lines,
    spotShortfallUsd: round2(p.spotShortfallUsd),
    spotWithoutFallback: p.spotWithoutFallback,
    unpriced: [...p.unpriced].sort(),
    assumptions: costAssumptions(sizing, tier),
  };
}
