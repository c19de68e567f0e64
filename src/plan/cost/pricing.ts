/**
 * What every section pricer works with: the graph index, the usage assumptions, the tier's monthly
 * traffic, and `add`, which appends one cost line naming the rendered resources it prices.
 */
import type { RenderedResource } from "../harness";
import type { GraphIndex } from "../model";
import type { Price } from "../prices";
import type { Sizing } from "../../../sizing";
import type { MonthlyTraffic } from "./assumptions";
import type { CostLine, CostSizing } from "./types";

/** What a line prices: one rendered resource, or several under one component (usage and counts). */
export type Priced = RenderedResource | { component: string; resources: RenderedResource[] };

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export class Pricing {
  readonly lines: CostLine[] = [];
  readonly unpriced = new Set<string>();
  /**
   * What the priced spot node hours would cost more on the on-demand fallback group behind them, if
   * spot capacity were short all month (the priority expander then scales the fallback instead).
   */
  spotShortfallUsd = 0;
  /** GPU nodes on spot with no on-demand group behind them: a shortage costs capacity, not money. */
  spotWithoutFallback = false;

  constructor(
    readonly index: GraphIndex,
    readonly sizing: CostSizing,
    readonly traffic: MonthlyTraffic,
  ) {}

  get usage(): Sizing["usage"] {
    return this.sizing.usage;
  }

  /**
   * One cost line (none when `quantity` is not positive).
   * @param floorQuantity how much of `quantity` is there with no traffic (default: all of it)
   */
  add(
    what: Priced,
    item: string,
    quantity: number,
    unit: string,
    unitUsd: number,
    price: Price | { estimate?: boolean; source: string },
    floorQuantity = quantity,
  ): void {
    if (quantity <= 0) return;
    const resources = "urn" in what ? [what] : what.resources;
    this.lines.push({
      floorUsd: round2(Math.min(floorQuantity, quantity) * unitUsd),
      component: "urn" in what ? this.index.componentOf(what) : what.component,
      item,
      quantity: round2(quantity),
      unit,
      unitUsd: Math.round(unitUsd * 1e6) / 1e6,
      monthlyUsd: round2(quantity * unitUsd),
      estimate: price.estimate ?? false,
      source: price.source,
      resources: resources.map((r) => ({ type: r.type, name: r.name })),
    });
  }

  /**
   * The resources of a type under the component holding most of them: usage-driven lines (GB,
   * requests) go there. Undefined when the graph has none.
   */
  owned(type: string): { component: string; resources: RenderedResource[] } | undefined {
    const all = this.index.ofType(type);
    const counts = new Map<string, number>();
    for (const r of all) counts.set(this.index.componentOf(r), (counts.get(this.index.componentOf(r)) ?? 0) + 1);
    const component = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    return component === undefined ? undefined : { component, resources: all };
  }
}
