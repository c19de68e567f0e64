/**
 * Kubernetes resource quantities (`500m`, `8Gi`, `2`) as numbers, so the schema and the cross-field
 * rules can compare a request with its limit and refuse a memory size below 1 MiB.
 * Grammar: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const QUANTITY_UNITS: Record<string, number> = { "": 1, m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** A Kubernetes quantity (`500m`, `8Gi`, `2`) as a number, to compare requests with limits. */
export function quantityValue(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(q);
  return m ? Number(m[1]) * QUANTITY_UNITS[m[2] ?? ""] : NaN;
}
