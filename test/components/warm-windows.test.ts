/**
 * Warm windows (sizing/warm-windows.ts, ADR 0002 decision 3): each becomes a KEDA `cron` trigger on
 * Triton's ScaledObject, in the exact shape KEDA's cron scaler reads (docs: keda.sh Scalers > Cron,
 * `timezone`, `start`, `end`, `desiredReplicas`; Linux cron, 0 = Sunday), and the plan prices the hours
 * it keeps a GPU node up, read back from the rendered trigger.
 */
import { describe, expect, it } from "vitest";
import { cronWindowHoursPerWeek, isIanaTimeZone, warmWindowCron } from "../../sizing";
import { estimateCost } from "../../src/plan/cost";
import { renderStack } from "../../src/plan/harness";
import { buildPlan, formatPlan } from "../../src/plan/report";
import { listStacks, named, type RenderedGraph, rendered, TIER_NAMES } from "../support/graph";

const WEEKDAY_WINDOW = { days: ["Mon", "Tue", "Wed", "Thu", "Fri"], from: "08:45", to: "18:00", timezone: "Europe/Berlin" };
const withWindows = (windows: unknown[]) => renderStack({ stack: "prod", tier: "1k", config: { overrides: JSON.stringify({ triton: { warmWindows: windows } }) } });

type Trigger = { type: string; metadata: Record<string, string>; authenticationRef?: unknown };
const triggers = (g: RenderedGraph): Trigger[] => (named(g, "inference-triton-scaler").inputs as { spec: { triggers: Trigger[] } }).spec.triggers;
const gpuLine = (g: RenderedGraph) => estimateCost(g, g.config.sizing).lines.find((l) => l.item.includes("(inference-gpu-primary)") && l.unit === "node-hour")!;

describe("warm windows", () => {
  it.each(listStacks().flatMap((stack) => TIER_NAMES.map((tier) => [stack, tier] as const)))("%s %s ships none (opt-in)", async (stack, tier) => {
    expect(triggers(await rendered(stack, tier)).filter((t) => t.type === "cron")).toEqual([]);
  });

  it("becomes one KEDA cron trigger per window, Linux cron days, one replica, no AWS authentication", async () => {
    const g = await withWindows([WEEKDAY_WINDOW, { days: ["Sat"], from: "10:00", to: "12:30", timezone: "UTC" }]);
    expect(triggers(g).filter((t) => t.type === "cron")).toEqual([
      { type: "cron", metadata: { timezone: "Europe/Berlin", start: "45 8 * * 1,2,3,4,5", end: "0 18 * * 1,2,3,4,5", desiredReplicas: "1" } },
      { type: "cron", metadata: { timezone: "UTC", start: "0 10 * * 6", end: "30 12 * * 6", desiredReplicas: "1" } },
    ]);
    // The other triggers are untouched: scale-to-zero stays (minReplicaCount 0), the wake path stays.
    expect((named(g, "inference-triton-scaler").inputs as { spec: { minReplicaCount: number } }).spec.minReplicaCount).toBe(0);
    expect(triggers(g).filter((t) => t.type === "aws-sqs-queue").length).toBeGreaterThan(0);
  });

  it("is priced from the rendered trigger: open hours plus KEDA's cooldown and the autoscaler's 10 min after each closing, as floor", async () => {
    const shipped = await rendered("prod", "1k");
    const g = await withWindows([WEEKDAY_WINDOW]);
    const weeksPerMonth = 730 / 168;
    // 5 × 9.25 h open + 5 closings × (cooldown 900 s + scale-down 600 s), per week.
    const windowHours = weeksPerMonth * (5 * 9.25 + 5 * (900 + 600) / 3600);
    expect(g.config.sizing.triton.cooldownSeconds).toBe(900);
    const line = gpuLine(g);
    // The modeled 182.5 active hours are assumed to fall inside the windows: the month pays the larger.
    expect(gpuLine(shipped).quantity).toBe(182.5);
    expect(line.quantity).toBeCloseTo(windowHours, 1);
    expect(line.floorUsd).toBeCloseTo(line.monthlyUsd, 1);
    expect(line.item).toMatch(/warm windows 210 h\/month, whichever is more/);
    expect(gpuLine(shipped).floorUsd).toBe(0);
  });

  it("working hours (weekdays 09:00–17:00) keep prod 1k within issue 15's $280 target (ADR 0002, decision 3)", async () => {
    const g = await withWindows([{ ...WEEKDAY_WINDOW, from: "09:00", to: "17:00" }]);
    const cost = estimateCost(g, g.config.sizing);
    expect(gpuLine(g).quantity).toBeGreaterThan(182.5);
    expect(cost.monthlyUsd).toBeLessThanOrEqual(280);
  });

  it("the plan prints the windows it prices, and the shipped stacks' none", async () => {
    const text = formatPlan(buildPlan(await withWindows([WEEKDAY_WINDOW])), false);
    expect(text).toMatch(/triton\.warmWindows +\{"days":\["Mon","Tue","Wed","Thu","Fri"\],"from":"08:45","to":"18:00","timezone":"Europe\/Berlin"\}/);
    expect(formatPlan(buildPlan(await rendered("prod", "1k")), false)).toMatch(/triton\.warmWindows +none/);
  });

  it("reports a cron schedule it cannot read as unpriced instead of guessing", async () => {
    const g = await withWindows([WEEKDAY_WINDOW]);
    const odd: RenderedGraph = {
      ...g,
      resources: g.resources.map((r) =>
        r.name !== "inference-triton-scaler"
          ? r
          : { ...r, inputs: { ...r.inputs, spec: { ...(r.inputs as { spec: object }).spec, triggers: [{ type: "cron", metadata: { start: "*/5 * * * *", end: "0 18 * * 1", desiredReplicas: "1" } }] } } },
      ),
    };
    expect(estimateCost(odd, odd.config.sizing).unpriced.join("\n")).toMatch(/cron trigger whose schedule the cost model cannot read: \*\/5 \* \* \* \*/);
  });

  it("cron helpers: days sorted and deduplicated, hours read back, other shapes refused", () => {
    expect(warmWindowCron({ days: ["Sun", "Sat", "Sun"], from: "00:00", to: "23:59", timezone: "UTC" })).toEqual({ start: "0 0 * * 0,6", end: "59 23 * * 0,6" });
    expect(cronWindowHoursPerWeek("45 8 * * 1,2,3,4,5", "0 18 * * 1,2,3,4,5")).toEqual({ hours: 46.25, openings: 5 });
    expect(cronWindowHoursPerWeek("0 18 * * 1", "0 8 * * 1")).toBeUndefined();
    expect(cronWindowHoursPerWeek("0 8 * * 1", "0 18 * * 2")).toBeUndefined();
    expect(cronWindowHoursPerWeek("0 8 * * *", "0 18 * * *")).toBeUndefined();
  });

  it("time zones: IANA names as KEDA's Go runtime reads them (case matters), ICU's aliases accepted", () => {
    for (const tz of ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Etc/GMT+5"]) expect(isIanaTimeZone(tz), tz).toBe(true);
    for (const tz of ["europe/berlin", "Nope/Zone", "Berlin", "", "CET; rm -rf"]) expect(isIanaTimeZone(tz), tz).toBe(false);
  });
});
