/**
 * Security pricer: KMS keys, and Secrets Manager secrets per component (counting the master-password
 * secret RDS manages for a primary instance).
 */
import type { RenderedResource } from "../harness";
import { PRICES } from "../prices";
import { replicaSource } from "./database";
import type { Pricing } from "./pricing";

export function priceSecurity(p: Pricing): void {
  const { index } = p;
  for (const key of index.ofType("aws:kms/key:Key")) p.add(key, `KMS key ${key.name}`, 1, "key-month", PRICES.kmsKeyMonth.usd, PRICES.kmsKeyMonth);
  const databases = index.ofType("aws:rds/instance:Instance");
  const managedSecrets = databases.filter((db) => db.inputs.manageMasterUserPassword === true && replicaSource(db) === undefined).length;
  const secretsByComponent = new Map<string, RenderedResource[]>();
  const count = (component: string, r: RenderedResource) => secretsByComponent.set(component, [...(secretsByComponent.get(component) ?? []), r]);
  for (const s of index.ofType("aws:secretsmanager/secret:Secret")) count(index.componentOf(s), s);
  for (const db of databases) {
    if (db.inputs.manageMasterUserPassword === true && !db.inputs.replicateSourceDb) count(index.componentOf(db), db);
  }
  const databaseOwner = p.owned("aws:rds/instance:Instance")?.component;
  for (const [component, resources] of secretsByComponent) {
    const note = managedSecrets > 0 && component === databaseOwner ? " (incl. RDS-managed master secret)" : "";
    p.add({ component, resources }, `Secrets Manager secrets × ${resources.length}${note}`, resources.length, "secret-month", PRICES.secretMonth.usd, PRICES.secretMonth);
  }
}
