/**
 * `npm run bench`: in one run, times (a) importing the SDKs alone, (b) one `plan` of the prod stack,
 * (c) rendering every shipped stack × tier in one process, each in a fresh child process, and
 * prints the ratios (b)/(a), (c)/(a) and each child's peak RSS. Targets: (b) ≤ 2× (a), (c) ≤ 6× (a),
 * one plan under 1 GB RSS. Each measurement is the median of a few runs (the machine has 2 cores).
 * (b) and (c) run the compiled JavaScript in build/, as `npm run plan` does.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root (this file runs compiled, from build/bench). */
const ROOT = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error("no Pulumi.yaml above the bench");
  }
})();
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** The compiled JavaScript the user-facing scripts run (`npm run build`; `npm ci` builds it). */
const BUILD = path.join(ROOT, "build");

/** Printed by each child: its peak RSS, read from the kernel's own accounting. */
const REPORT_RSS = `process.on("exit", () => process.stderr.write("BENCH_MAX_RSS_KB=" + process.resourceUsage().maxRSS + "\\n"));`;

interface Measurement {
  label: string;
  seconds: number;
  maxRssMb: number;
}

function measure(label: string, args: string[]): Measurement {
  const times: number[] = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (child.status !== 0) throw new Error(`${label} failed (${child.status}): ${child.stderr}`);
    times.push(seconds);
    const kb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)?.[1] ?? 0);
    rss = Math.max(rss, kb / 1024);
  }
  times.sort((a, b) => a - b);
  return { label, seconds: times[Math.floor(times.length / 2)], maxRssMb: rss };
}

const sdkImport = measure("(a) import @pulumi/pulumi, aws, awsx, kubernetes, random", [
  "-e",
  `${REPORT_RSS} for (const m of ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/awsx", "@pulumi/kubernetes", "@pulumi/random"]) require(m);`,
]);
const onePlan = measure("(b) npm run plan -- --stack prod --format json", [
  "-r",
  path.join(ROOT, "bench", "rss.js"),
  path.join(BUILD, "src", "plan", "cli.js"),
  "--stack",
  "prod",
  "--format",
  "json",
]);
const allGraphs = measure("(c) render every stack × tier in one process", [
  "-r",
  path.join(ROOT, "bench", "rss.js"),
  path.join(BUILD, "bench", "render-all.js"),
]);

const rows = [sdkImport, onePlan, allGraphs];
const width = Math.max(...rows.map((r) => r.label.length));
process.stdout.write(`median of ${RUNS} runs each, fresh child processes (node ${process.version})\n\n`);
for (const r of rows) process.stdout.write(`${r.label.padEnd(width)}  ${r.seconds.toFixed(2).padStart(6)} s  peak RSS ${r.maxRssMb.toFixed(0).padStart(5)} MB\n`);
const planRatio = onePlan.seconds / sdkImport.seconds;
const allRatio = allGraphs.seconds / sdkImport.seconds;
process.stdout.write(`\n(b)/(a) = ${planRatio.toFixed(2)}  (target ≤ 2)  ${planRatio <= 2 ? "ok" : "OVER"}\n`);
process.stdout.write(`(c)/(a) = ${allRatio.toFixed(2)}  (target ≤ 6)  ${allRatio <= 6 ? "ok" : "OVER"}\n`);
process.stdout.write(`one plan peak RSS ${onePlan.maxRssMb.toFixed(0)} MB  (target < 1024)  ${onePlan.maxRssMb < 1024 ? "ok" : "OVER"}\n`);
