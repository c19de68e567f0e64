/**
 * AWS refusal rules, ElastiCache: replication group identifiers, AUTH tokens, automatic failover and snapshot retention.
 */
import { CACHE_RG, DOCS, identifierCheck, num, str } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const ELASTICACHE_RULES: readonly AwsRefusalRule[] = [
  {
    id: "elasticache-replication-group-id",
    types: [CACHE_RG],
    doc: DOCS.elasticacheCreateRg,
    observed: false,
    check: identifierCheck("replicationGroupId", "ReplicationGroupId", 40),
  },
  {
    id: "elasticache-auth-token",
    types: [CACHE_RG],
    doc: DOCS.elasticacheAuth,
    observed: false,
    check: (inputs) => {
      const token = str(inputs.authToken);
      if (token === undefined) return undefined;
      if (inputs.transitEncryptionEnabled !== true) {
        return "InvalidParameterCombination: The AUTH token can only be used when in-transit encryption (TransitEncryptionEnabled) is enabled.";
      }
      const ok = token.length >= 16 && token.length <= 128 && /^[\x21-\x7e]+$/.test(token) && !/[/"@]/.test(token);
      return ok ? undefined : "InvalidParameterValue: The AuthToken must be 16 to 128 printable characters; '/', '\"' and '@' are not allowed.";
    },
  },
  {
    id: "elasticache-failover-needs-replica",
    types: [CACHE_RG],
    doc: DOCS.elasticacheCreateRg,
    observed: false,
    check: (inputs) => {
      const clusters = num(inputs.numCacheClusters);
      if (inputs.multiAzEnabled === true && inputs.automaticFailoverEnabled !== true) {
        return "InvalidParameterCombination: Multi-AZ (MultiAZEnabled) requires AutomaticFailoverEnabled.";
      }
      return inputs.automaticFailoverEnabled === true && clusters !== undefined && clusters < 2
        ? "InvalidParameterCombination: AutomaticFailoverEnabled requires at least one read replica (NumCacheClusters > 1)."
        : undefined;
    },
  },
  {
    id: "elasticache-snapshot-retention-range",
    types: [CACHE_RG],
    doc: DOCS.elasticacheCreateRg,
    observed: false,
    check: (inputs) => {
      const days = num(inputs.snapshotRetentionLimit);
      return days !== undefined && (days < 0 || days > 35) ? `InvalidParameterValue: SnapshotRetentionLimit must be from 0 to 35 days (got ${days}).` : undefined;
    },
  },
];
