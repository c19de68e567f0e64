/**
 * Warm windows: weekly hours in which Triton keeps one replica up although `triton.minReplicas` is 0,
 * so the first request of a working day finds it ready instead of waiting out a cold start
 * (docs/decisions/0002-cold-start.md, decision 3). components/inference/triton-scaler.ts turns each
 * window into a KEDA `cron` trigger; the cost model reads those triggers back from the rendered
 * ScaledObject (`cronWindowHoursPerWeek`) and prices the hours.
 */

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
 * The KEDA cron trigger's `start` and `end` ("Minute Hour Dom Month Dow"; KEDA docs, Scalers > Cron):
 * the same days, opening at `from` and closing at `to`.
 */
export function warmWindowCron(w: WarmWindow): { start: string; end: string } {
  const days = [...new Set(w.days.map((d) => WEEKDAYS.indexOf(d)))].sort((a, b) => a - b).join(",");
  const cron = (hhmm: string) => {
    const minutes = minutesOfDay(hhmm);
    if (minutes === undefined) throw new Error(`warm window time ${JSON.stringify(hhmm)} is not HH:MM`);
    return `${minutes % 60} ${Math.floor(minutes / 60)} * * ${days}`;
  };
  return { start: cron(w.from), end: cron(w.to) };
}

/**
 * Hours a week of a cron trigger written by {@link warmWindowCron} (same days, end later than start),
 * and how many times a week it opens; undefined for any other cron shape (the cost model then reports
 * the trigger as unpriced rather than guess).
 */
export function cronWindowHoursPerWeek(start: string, end: string): { hours: number; openings: number } | undefined {
  const parse = (cron: string) => /^(\d{1,2}) (\d{1,2}) \* \* ([0-6](?:,[0-6])*)$/.exec(cron);
  const [s, e] = [parse(start), parse(end)];
  if (!s || !e || s[3] !== e[3]) return undefined;
  const minutes = Number(e[2]) * 60 + Number(e[1]) - (Number(s[2]) * 60 + Number(s[1]));
  if (minutes <= 0) return undefined;
  const openings = s[3].split(",").length;
  return { hours: (minutes / 60) * openings, openings };
}

/**
 * Whether a name looks like an IANA tz database name the way KEDA (Go's `time.LoadLocation`, which is
 * case-sensitive) needs it, and the JavaScript runtime knows the zone. ICU canonicalises names
 * differently (`Asia/Kolkata` resolves as `Asia/Calcutta`), so the runtime only vouches that the zone
 * exists; the shape check catches a lower-case spelling the runtime would forgive and Go would not.
 */
export function isIanaTimeZone(name: string): boolean {
  if (!/^(UTC|GMT|[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*)$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
