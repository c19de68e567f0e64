/* global process */
// Preloaded into bench children (node -r): reports the process's peak RSS on exit.
process.on("exit", () => process.stderr.write(`BENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`));
