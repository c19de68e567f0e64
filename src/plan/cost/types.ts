/**
 * The shapes of the cost model: a cost line (one priced item, naming the rendered resources it
 * prices), the assumptions printed with an estimate, the estimate itself, and the part of the
 * stack's sizing the model reads.
 */
import type { Sizing } from "../../../sizing";

/** A rendered resource a cost line prices, by the type and logical name it has in the graph. */
export interface PricedResource {
  type: string;
  name: string;
}

export interface CostLine {
  /** Top-level component the resource belongs to (`gateway`, `inference`, ...). */
  component: string;
  /** What is billed, e.g. `g6.xlarge spot node (inference-gpu)`. */
  item: string;
  quantity: number;
  /** Unit of `quantity` (`node-hour`, `GB-month`, ...). */
  unit: string;
  /** Price of one unit, after spot discounts. */
  unitUsd: number;
  monthlyUsd: number;
  /**
   * The part of `monthlyUsd` the stack pays before any traffic (minimum counts, always-on
   * resources); the rest comes from usage assumptions and the load model.
   */
  floorUsd: number;
  /** True when the price (or a figure it depends on) is an estimate rather than a list price. */
  estimate: boolean;
  /** Where the price comes from. */
  source: string;
  /**
   * The rendered resources this line prices (type and logical name, as in the graph and the plan's
   * resource tree): one for a per-resource line, all of them for a usage line (S3 GB, log GB, SQS
   * requests) or a per-component count (alarms, secrets).
   */
  resources: PricedResource[];
}

export interface CostAssumption {
  name: string;
  value: number | string;
  meaning: string;
}

export interface CostEstimate {
  monthlyUsd: number;
  /** What the design costs before its first user: the sum of the lines' `floorUsd`. */
  floorUsd: number;
  budgetUsd: number;
  fitsBudget: boolean;
  priceDate: string;
  region: string;
  lines: CostLine[];
  /**
   * How much more the month would cost if spot capacity were short all of it and the on-demand
   * fallback node group ran the priced spot node hours instead (0 without such a fallback): the
   * honest worst case behind a spot discount.
   */
  spotShortfallUsd: number;
  /** GPU nodes run on spot with no on-demand fallback group: a spot shortage leaves them unlaunched. */
  spotWithoutFallback: boolean;
  /** Resource types (with the reason when useful) that cost money but are not priced. */
  unpriced: string[];
  assumptions: CostAssumption[];
}

/** The part of the stack's sizing the model reads: usage assumptions and the budget. */
export type CostSizing = Pick<Sizing, "usage" | "budgetUsd"> & Partial<Pick<Sizing, "workers">>;
