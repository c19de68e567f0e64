/**
 * Database pricer: RDS instances (instance hours, doubled for Multi-AZ) and their gp3 storage; a read
 * replica bills its own copy of its source's storage.
 */
import { num } from "../model";
import { HOURS_PER_MONTH, PRICES, RDS_HOURLY } from "../prices";
import type { Pricing } from "./pricing";

/** The DB instance a read replica replicates (`replicateSourceDb`), or undefined for a primary. */
export function replicaSource(db: { inputs: Record<string, unknown> }): string | undefined {
  const source = db.inputs.replicateSourceDb;
  return typeof source === "string" && source !== "" ? source : undefined;
}

export function priceDatabases(p: Pricing): void {
  const databases = p.index.ofType("aws:rds/instance:Instance");
  for (const db of databases) {
    const cls = String(db.inputs.instanceClass ?? "");
    const price = RDS_HOURLY[cls];
    const multiAz = db.inputs.multiAz === true;
    const source = replicaSource(db);
    const replica = source !== undefined;
    if (!price) {
      p.unpriced.add(`${db.type} (instance class ${cls})`);
      continue;
    }
    // A read replica is created with its source's allocated storage (and bills its own copy of it)
    // unless it sets its own; the program usually leaves it unset.
    const sourceDb =
      source === undefined
        ? undefined
        : databases.find((d) => d !== db && ([d.inputs.identifier, d.id, d.name].includes(source) || source.endsWith(`:db:${String(d.inputs.identifier)}`)));
    const storageGb = num(db.inputs.allocatedStorage) || num(sourceDb?.inputs.allocatedStorage);
    if (replica && storageGb === 0) p.unpriced.add(`${db.type} (storage of read replica ${db.name}: source ${source} not found)`);
    const copies = multiAz ? 2 : 1;
    p.add(db, `RDS ${cls}${multiAz ? " Multi-AZ" : ""}${replica ? " read replica" : ""} (${db.name})`, copies * HOURS_PER_MONTH, "instance-hour", price.usd, price);
    p.add(
      db,
      `RDS gp3 storage ${storageGb} GB${multiAz ? " × 2 (Multi-AZ)" : ""}${replica ? " of the replica" : ""} (${db.name})`,
      copies * storageGb,
      "GB-month",
      PRICES.rdsGp3GbMonth.usd,
      PRICES.rdsGp3GbMonth,
    );
  }
}
