/**
 * The user-facing scripts run the compiled JavaScript in build/ (built by `npm ci` or `npm run build`).
 * After editing the TypeScript without rebuilding, they would run the old code: warn on stderr.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const SOURCE_DIRS = ["src", "components", "policy", "bench"];

/** Newest modification time (ms) of the TypeScript sources under `root`. */
function newestSource(root: string): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules") walk(p);
      } else if (e.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) walk(path.join(root, d));
  return newest;
}

/** A warning when this process runs compiled code older than the sources, else undefined. */
export function staleBuildWarning(root: string, runningFile: string): string | undefined {
  if (!runningFile.endsWith(".js")) return undefined;
  const info = path.join(root, "build", ".tsbuildinfo");
  if (!fs.existsSync(info)) return undefined;
  return newestSource(root) > fs.statSync(info).mtimeMs ? "warning: build/ is older than the TypeScript sources; run `npm run build`" : undefined;
}
