/**
 * The load model: daily active users per tier and the usage assumptions every capacity and usage
 * figure derives from, so changing one here moves the capacity check and the cost model together.
 * Sources: ../shared/design/ARCHITECTURE.md ("Starting sizing").
 */
import type { Tier } from "./names";

export const LOAD_MODEL = {
  /** API requests one daily active user makes per day. */
  apiRequestsPerDauPerDay: 40,
  /** Of those, calls that reach the GPU (Triton). */
  inferenceCallsPerDauPerDay: 10,
  /** Celery jobs one user enqueues per day (transcriptions, batch OCR, ...). */
  jobsPerDauPerDay: 2,
  /** Peak-hour traffic over the daily average. */
  peakToAverage: 4,
  /** Capacity at max scale must cover the modeled peak this many times over. */
  requiredHeadroom: 2,
} as const;

export const SECONDS_PER_DAY = 86_400;

/** Daily active users each tier is sized for. */
export const TIER_DAU: Record<Tier, number> = { "1k": 1_000, "10k": 10_000, "100k": 100_000 };

/** The modeled traffic of a tier, derived from {@link LOAD_MODEL}. */
export interface TierLoad {
  dau: number;
  averageApiRps: number;
  peakApiRps: number;
  peakInferencePerSec: number;
  jobsPerDay: number;
  peakJobsPerSec: number;
}

export function tierLoad(tier: Tier): TierLoad {
  const dau = TIER_DAU[tier];
  const averageApiRps = (dau * LOAD_MODEL.apiRequestsPerDauPerDay) / SECONDS_PER_DAY;
  const averageInferenceRps = (dau * LOAD_MODEL.inferenceCallsPerDauPerDay) / SECONDS_PER_DAY;
  const jobsPerDay = dau * LOAD_MODEL.jobsPerDauPerDay;
  return {
    dau,
    averageApiRps,
    peakApiRps: averageApiRps * LOAD_MODEL.peakToAverage,
    peakInferencePerSec: averageInferenceRps * LOAD_MODEL.peakToAverage,
    jobsPerDay,
    peakJobsPerSec: (jobsPerDay / SECONDS_PER_DAY) * LOAD_MODEL.peakToAverage,
  };
}
