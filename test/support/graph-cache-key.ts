/** Key of a pre-rendered graph (stack, optional tier, optional extra config). */
export function graphCacheKey(stack: string, tier?: string, config?: Record<string, string>): string {
  return JSON.stringify([stack, tier ?? null, config ?? null]);
}
