/**
 * Warm windows: weekly hours in which Triton keeps one replica up although `triton.minReplicas` is 0,
 * so the first request of a working day finds it ready instead of waiting out a cold start
 * (docs/decisions/0002-cold-start.md, decision 3). components/inference/triton-scaler.ts turns each
 * window into KEDA `cron` triggers; the cost model reads those triggers back from the rendered
 * ScaledObject (`parseCronWindow`) and prices the hours.
 */
import { IANA_TIME_ZONES } from "./timezones";

/** Cron day-of-week numbers (Linux cron, which KEDA's cron scaler reads: 0 = Sunday). */
export const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WarmWindow {
  /** The days the window opens on. */
  days: Weekday[];
  /** `HH:MM` (24-hour) in `timezone`: the GPU node starts launching then, so open it a cold start (~10 min) before users arrive. */
  from: string;
  /** `HH:MM`, later the same day. */
  to: string;
  /** IANA time zone name, as KEDA's cron scaler takes it (e.g. `Europe/Berlin`, `UTC`). */
  timezone: string;
}

/** Replicas a window keeps up: one answers the first request; the queue-time and GPU triggers scale beyond it. */
export const WARM_WINDOW_REPLICAS = 1;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of an `HH:MM` time; undefined when it is not one. */
export function minutesOfDay(hhmm: string): number | undefined {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * The KEDA cron triggers of a window (`start`/`end`, "Minute Hour Dom Month Dow"; KEDA docs, Scalers >
 * Cron): one per run of consecutive days, written as a range (`1-5`) or one day (`6`). A comma list
 * would also parse, but KEDA before 2.20 copies it into the trigger's metric name, which then breaks
 * the naming rules (kedacore/keda#7448, fixed in #7449); ranges and single days never do.
 */
export function warmWindowCrons(w: WarmWindow): { start: string; end: string }[] {
  const days = [...new Set(w.days.map((d) => WEEKDAYS.indexOf(d)))].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const d of days) {
    const last = runs[runs.length - 1];
    if (last && last[1] === d - 1) last[1] = d;
    else runs.push([d, d]);
  }
  const cron = (hhmm: string, dow: string) => {
    const minutes = minutesOfDay(hhmm);
    if (minutes === undefined) throw new Error(`warm window time ${JSON.stringify(hhmm)} is not HH:MM`);
    return `${minutes % 60} ${Math.floor(minutes / 60)} * * ${dow}`;
  };
  return runs.map(([first, last]) => {
    const dow = first === last ? `${first}` : `${first}-${last}`;
    return { start: cron(w.from, dow), end: cron(w.to, dow) };
  });
}

/** One cron trigger read back: its days (0 = Sunday) and its opening and closing minute of the day. */
export interface CronWindow {
  days: number[];
  startMinute: number;
  endMinute: number;
}

/**
 * Reads back a trigger written by {@link warmWindowCrons} (same days, closing later the same day);
 * undefined for any other cron shape (the cost model then reports the trigger as unpriced rather than guess).
 */
export function parseCronWindow(start: string, end: string): CronWindow | undefined {
  const parse = (cron: string) => /^(\d{1,2}) (\d{1,2}) \* \* ([0-6])(?:-([0-6]))?$/.exec(cron);
  const [s, e] = [parse(start), parse(end)];
  if (!s || !e || s[3] !== e[3] || s[4] !== e[4]) return undefined;
  const [first, last] = [Number(s[3]), Number(s[4] ?? s[3])];
  const [startMinute, endMinute] = [Number(s[2]) * 60 + Number(s[1]), Number(e[2]) * 60 + Number(e[1])];
  if (last < first || endMinute <= startMinute || endMinute > 24 * 60) return undefined;
  return { days: Array.from({ length: last - first + 1 }, (_, i) => first + i), startMinute, endMinute };
}

/**
 * Whether a name is a current IANA tz database name, spelled as the database spells it (KEDA loads it
 * with Go's case-sensitive `time.LoadLocation`): ./timezones.ts. Legacy aliases are refused.
 */
export function isIanaTimeZone(name: string): boolean {
  return IANA_TIME_ZONES.has(name);
}
