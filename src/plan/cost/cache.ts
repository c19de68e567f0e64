/** Cache pricer: ElastiCache replication groups and clusters, per node-hour. */
import { num } from "../model";
import { ELASTICACHE_HOURLY, HOURS_PER_MONTH } from "../prices";
import type { Pricing } from "./pricing";

export function priceCaches(p: Pricing): void {
  const { index } = p;
  for (const rg of [...index.ofType("aws:elasticache/replicationGroup:ReplicationGroup"), ...index.ofType("aws:elasticache/cluster:Cluster")]) {
    const nodeType = String(rg.inputs.nodeType ?? "");
    const price = ELASTICACHE_HOURLY[nodeType];
    const nodes =
      rg.type === "aws:elasticache/cluster:Cluster"
        ? num(rg.inputs.numCacheNodes, 1)
        : num(rg.inputs.numCacheClusters) || num(rg.inputs.numNodeGroups, 1) * (num(rg.inputs.replicasPerNodeGroup) + 1);
    if (!price) {
      p.unpriced.add(`${rg.type} (node type ${nodeType})`);
      continue;
    }
    p.add(rg, `ElastiCache ${nodeType} × ${nodes} nodes (${rg.name})`, nodes * HOURS_PER_MONTH, "node-hour", price.usd, price);
  }
}
