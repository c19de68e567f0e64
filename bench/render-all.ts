/** Bench child (c): renders every shipped stack at every tier in one process, one after another. */
import { renderForCli } from "../src/plan/cli";
import { listStacks } from "../src/plan/harness";
import { TIER_NAMES } from "../sizing";

(async () => {
  let resources = 0;
  for (const stack of listStacks()) {
    for (const tier of TIER_NAMES) resources += (await renderForCli({ stack, tier })).resources.length;
  }
  process.stderr.write(`rendered ${listStacks().length * TIER_NAMES.length} graphs, ${resources} resources\n`);
  process.exit(0);
})().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
