/**
 * Warm windows (sizing/warm-windows.ts, ADR 0002 decision 3): each becomes KEDA `cron` triggers on
 * Triton's ScaledObject, in the shape KEDA's cron scaler reads (keda.sh Scalers > Cron: `timezone`,
 * `start`, `end`, `desiredReplicas`; robfig/cron's standard 5-field parser, 0 = Sunday), and the plan
 * prices the hours they keep a GPU node up, read back from the rendered triggers.
 */
import { describe, expect, it } from "vitest";
import { isIanaTimeZone, parseCronWindow, warmWindowCrons } from "../../sizing";
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

  it("becomes KEDA cron triggers, one per run of consecutive days (ranges, never comma lists), one replica, no AWS authentication", async () => {
    const g = await withWindows([WEEKDAY_WINDOW, { days: ["Sat", "Mon", "Wed"], from: "10:00", to: "12:30", timezone: "UTC" }]);
    expect(triggers(g).filter((t) => t.type === "cron")).toEqual([
      { type: "cron", metadata: { timezone: "Europe/Berlin", start: "45 8 * * 1-5", end: "0 18 * * 1-5", desiredReplicas: "1" } },
      { type: "cron", metadata: { timezone: "UTC", start: "0 10 * * 1", end: "30 12 * * 1", desiredReplicas: "1" } },
      { type: "cron", metadata: { timezone: "UTC", start: "0 10 * * 3", end: "30 12 * * 3", desiredReplicas: "1" } },
      { type: "cron", metadata: { timezone: "UTC", start: "0 10 * * 6", end: "30 12 * * 6", desiredReplicas: "1" } },
    ]);
    // KEDA < 2.20 copies start/end into the metric name; a comma there breaks it (kedacore/keda#7448).
    for (const t of triggers(g).filter((x) => x.type === "cron")) expect(`${t.metadata.start}${t.metadata.end}`).not.toContain(",");
    // The other triggers are untouched: scale-to-zero stays (minReplicaCount 0), the wake path stays.
    expect((named(g, "inference-triton-scaler").inputs as { spec: { minReplicaCount: number } }).spec.minReplicaCount).toBe(0);
    expect(triggers(g).filter((t) => t.type === "aws-sqs-queue").length).toBeGreaterThan(0);
  });

  it("is priced from the rendered triggers: per day the open hours plus KEDA's cooldown and the autoscaler's 10 min, against the model's hours of that day", async () => {
    const shipped = await rendered("prod", "1k");
    const g = await withWindows([WEEKDAY_WINDOW]);
    const weeksPerMonth = 730 / 168;
    expect(g.config.sizing.triton.cooldownSeconds).toBe(900);
    // The load model's 182.5 active hours a month are spread over all seven days (6 h a day).
    expect(gpuLine(shipped).quantity).toBe(182.5);
    const modeledPerDay = 182.5 / weeksPerMonth / 7;
    // Weekdays: 9.25 h open + 25 min tail; the modeled 6 h fall inside. Weekends: the model's 6 h.
    const windowDay = 9.25 + (900 + 600) / 3600;
    const line = gpuLine(g);
    expect(line.quantity).toBeCloseTo(weeksPerMonth * (5 * Math.max(windowDay, modeledPerDay) + 2 * modeledPerDay), 1);
    // The windows are floor (they run whatever the traffic); the weekend model hours are not.
    expect(line.floorUsd).toBeCloseTo(weeksPerMonth * 5 * windowDay * line.unitUsd, 1);
    expect(line.item).toMatch(/with warm windows 210 h\/month/);
    expect(gpuLine(shipped).floorUsd).toBe(0);
  });

  it("adds nothing where the GPU group never drops below one node (that node holds the window's replica)", async () => {
    const overrides = (windows: unknown[]) => JSON.stringify({ gpu: { minNodes: 1 }, triton: { warmWindows: windows } });
    const render = (windows: unknown[]) => renderStack({ stack: "prod", tier: "1k", config: { overrides: overrides(windows) } });
    const [without, withWindow] = [gpuLine(await render([])), gpuLine(await render([WEEKDAY_WINDOW]))];
    expect(withWindow.quantity).toBe(without.quantity);
    expect(withWindow.item).not.toMatch(/warm windows/);
  });

  it("merges overlapping and back-to-back windows (one node, one tail) instead of paying twice", async () => {
    const nineToFive = { ...WEEKDAY_WINDOW, from: "09:00", to: "17:00" };
    const one = gpuLine(await withWindows([nineToFive])).quantity;
    expect(gpuLine(await withWindows([nineToFive, nineToFive])).quantity).toBeCloseTo(one, 6);
    expect(gpuLine(await withWindows([{ ...nineToFive, to: "12:00" }, { ...nineToFive, from: "12:00" }])).quantity).toBeCloseTo(one, 6);
    // Windows in different time zones are not merged by clock time: added up (an upper bound).
    expect(gpuLine(await withWindows([nineToFive, { ...nineToFive, timezone: "America/New_York" }])).quantity).toBeGreaterThan(one);
    // A real gap (longer than the 25 min tail) closes the node and pays a second tail.
    const gap = gpuLine(await withWindows([{ ...nineToFive, to: "12:00" }, { ...nineToFive, from: "13:00" }])).quantity;
    expect(gap).toBeCloseTo(one - (730 / 168) * 5 * (60 - 25) / 60, 1);
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

  it("cron helpers: consecutive days as ranges, read back; other shapes refused", () => {
    expect(warmWindowCrons({ days: ["Sun", "Sat", "Sun", "Mon", "Tue"], from: "00:00", to: "23:59", timezone: "UTC" })).toEqual([
      { start: "0 0 * * 0-2", end: "59 23 * * 0-2" },
      { start: "0 0 * * 6", end: "59 23 * * 6" },
    ]);
    expect(parseCronWindow("45 8 * * 1-5", "0 18 * * 1-5")).toEqual({ days: [1, 2, 3, 4, 5], startMinute: 525, endMinute: 1080 });
    expect(parseCronWindow("0 10 * * 6", "30 12 * * 6")).toEqual({ days: [6], startMinute: 600, endMinute: 750 });
    expect(parseCronWindow("0 18 * * 1", "0 8 * * 1")).toBeUndefined();
    expect(parseCronWindow("0 8 * * 1", "0 18 * * 2")).toBeUndefined();
    expect(parseCronWindow("0 8 * * *", "0 18 * * *")).toBeUndefined();
    expect(parseCronWindow("0 8 * * 1,2", "0 18 * * 1,2")).toBeUndefined();
  });

  it("time zones: current IANA names as the tz database spells them (Go's LoadLocation is case-sensitive)", () => {
    for (const tz of ["UTC", "Europe/Berlin", "Asia/Kolkata", "Europe/Kyiv", "America/Argentina/Buenos_Aires", "Etc/GMT+5"]) expect(isIanaTimeZone(tz), tz).toBe(true);
    // Wrong case, unknown, removed from tzdata, or legacy aliases Debian 13 based images no longer ship.
    for (const tz of ["europe/berlin", "Europe/BERLIN", "America/New_york", "Nope/Zone", "Berlin", "", "SystemV/AST4", "Canada/East-Saskatchewan", "US/Eastern", "Asia/Calcutta", "Local"]) {
      expect(isIanaTimeZone(tz), tz).toBe(false);
    }
  });
});
