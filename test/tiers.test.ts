/**
 * The sizing table: every tier complete and valid, sizes growing with the tier, the load model
 * matching the architecture doc, and dev trimming prod without changing the table's shape.
 */
import { describe, expect, it } from "vitest";
import { sizingSchema } from "../sizing";
import {
  deepMerge,
  ENVIRONMENT_NAMES,
  PRIORITIES,
  resolveSizing,
  type Sizing,
  TIER_NAMES,
  TIERS,
  tierLoad,
} from "../sizing";

const [small, medium, large] = TIER_NAMES.map((t) => TIERS[t]);

describe("tier table", () => {
  it.each(TIER_NAMES.flatMap((tier) => ENVIRONMENT_NAMES.map((env) => ({ tier, env }))))(
    "$tier/$env resolves to a complete, valid sizing",
    ({ tier, env }) => {
      const result = sizingSchema.safeParse(resolveSizing(tier, env));
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    },
  );

  it("grows monotonically where it should", () => {
    const grows = (pick: (s: Sizing) => number) => {
      expect(pick(small)).toBeLessThanOrEqual(pick(medium));
      expect(pick(medium)).toBeLessThanOrEqual(pick(large));
      expect(pick(small)).toBeLessThan(pick(large));
    };
    grows((s) => s.network.availabilityZones);
    grows((s) => s.gateway.cpu);
    grows((s) => s.gateway.maxTasks);
    grows((s) => s.gateway.minTasks);
    for (const p of PRIORITIES) grows((s) => s.workers.priorities[p].maxTasks);
    grows((s) => s.gpu.maxNodes);
    grows((s) => s.gpu.minNodes);
    grows((s) => s.triton.maxReplicas);
    grows((s) => s.database.allocatedStorageGiB);
    grows((s) => s.database.backupRetentionDays);
    grows((s) => s.database.readReplicas);
    grows((s) => s.cache.nodes);
    grows((s) => s.observability.logRetentionDays);
    grows((s) => s.budgetUsd);
  });

  it("follows the architecture doc's starting sizing", () => {
    expect(small.gpu.minNodes).toBe(0); // an idle 1k platform pays for no GPU
    expect(small.gpu.capacityType).toBe("SPOT");
    expect(TIERS["1k"].database.instanceClass).toBe("db.t4g.micro");
    expect(TIERS["10k"].database.instanceClass).toBe("db.t4g.medium");
    // One step past the doc's db.m7g.large: 736 connections at max scale (a connection per Celery
    // process) need a 16 GiB class's default max_connections (sizing/data.ts databaseConnectionBudget).
    expect(TIERS["100k"].database.instanceClass).toBe("db.r7g.large");
    expect(TIERS["100k"].database.readReplicas).toBe(1);
    expect(TIERS["10k"].cache.nodes).toBeGreaterThanOrEqual(2);
    expect(TIERS["1k"].network.natGateways).toBe("single");
    expect(TIERS["100k"].network).toMatchObject({ availabilityZones: 3, natGateways: "perAz" });
    expect(TIER_NAMES.map((t) => TIERS[t].budgetUsd)).toEqual([250, 800, 5000]);
    for (const t of TIER_NAMES) {
      expect(TIERS[t].gpu.instanceTypes.l4.every((i) => i.startsWith("g6."))).toBe(true);
      expect(TIERS[t].gpu.instanceTypes.a10g.every((i) => i.startsWith("g5."))).toBe(true);
      expect(TIERS[t].workers.priorities.sprint.taskTimeoutSeconds).toBe(4 * 3600);
      expect(TIERS[t].workers.priorities.free.taskTimeoutSeconds).toBe(3600);
    }
  });

  it("every queue's visibility timeout exceeds its task timeout", () => {
    for (const t of TIER_NAMES)
      for (const p of PRIORITIES) {
        const w = TIERS[t].workers.priorities[p];
        expect(w.visibilityTimeoutSeconds).toBeGreaterThan(w.taskTimeoutSeconds);
      }
  });
});

describe("load model", () => {
  it("matches the architecture doc", () => {
    const load = tierLoad("10k");
    expect(load.averageApiRps).toBeCloseTo(4.63, 2);
    expect(load.peakApiRps).toBeCloseTo(18.5, 1);
    expect(load.peakInferencePerSec).toBeCloseTo(4.63, 2);
    expect(load.jobsPerDay).toBe(20_000);
    expect(tierLoad("100k").peakApiRps).toBeCloseTo(185.2, 1);
  });
});

describe("environment adjustments and overrides", () => {
  it("dev trims durability but keeps the tier's shape", () => {
    const dev = resolveSizing("10k", "dev");
    const prod = resolveSizing("10k", "prod");
    expect(dev.database.multiAz).toBe(false);
    expect(prod.database.multiAz).toBe(true);
    expect(dev.safety.deletionProtection).toBe(false);
    expect(dev.network.natGateways).toBe("single");
    expect(dev.database.instanceClass).toBe(prod.database.instanceClass);
    expect(dev.gateway.maxTasks).toBe(prod.gateway.maxTasks);
  });

  it("overrides merge deeply and never mutate the table", () => {
    const s = resolveSizing("1k", "prod", { gateway: { maxTasks: 9 } });
    expect(s.gateway.maxTasks).toBe(9);
    expect(s.gateway.cpu).toBe(TIERS["1k"].gateway.cpu);
    expect(TIERS["1k"].gateway.maxTasks).toBe(3);
    expect(deepMerge({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { d: 5 } })).toEqual({ a: [3], b: { c: 1, d: 5 } });
  });
});
