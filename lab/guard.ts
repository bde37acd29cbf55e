// What every lab entry point does around its steps: cleanup on exit, signals, a dead parent and a global time
// limit; the summary with "N passed, N failed" as the last line.
import * as path from "path";
import { Ctx } from "./checks";
import { cleanupAllSync } from "./hosts";
import { WORK_DIR, ms } from "./util";

let cleaning = false;

function onSignal(sig: NodeJS.Signals): void {
  if (cleaning) return;
  cleaning = true;
  process.stdout.write(`\n${sig}: killing lab processes and engines, deleting namespaces\n`);
  cleanupAllSync();
  process.exit(130);
}

/** Runs a lab: `main` resolves with the exit code; cleanup happens whatever the way out. */
export function runLab(name: string, limitEnv: string, defaultLimitS: number, main: () => Promise<number>): void {
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  process.on("exit", () => cleanupAllSync());
  // When the parent (npm's shell) is killed without forwarding the signal, we are re-parented: clean up and stop.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) onSignal("SIGHUP");
  }, 1000).unref();
  // The whole lab is bounded: past the limit, everything is killed and the run fails.
  const limitS = Number(process.env[limitEnv] ?? defaultLimitS);
  setTimeout(() => {
    process.stdout.write(`\n${name}: still running after ${limitS} s (${limitEnv}): aborting\n`);
    cleaning = true;
    cleanupAllSync();
    process.stdout.write("0 passed, 1 failed\n");
    process.exit(1);
  }, limitS * 1000).unref();
  main().then(
    (code) => {
      cleanupAllSync();
      process.exit(code);
    },
    (e) => {
      process.stdout.write(`${name} crashed: ${(e as Error).stack ?? e}\n`);
      cleanupAllSync();
      process.stdout.write("0 passed, 1 failed\n");
      process.exit(1);
    },
  );
}

/** Prints the summary and answers the exit code: 0 when every check passed. */
export function summary(ctx: Ctx, t0: number, logsUnder = path.join(WORK_DIR, "run")): number {
  const passed = ctx.checks.filter((c) => c.ok).length;
  const failed = ctx.checks.length - passed;
  process.stdout.write("\n==== summary\n");
  for (const e of ctx.experiments) {
    process.stdout.write(`${e.ok ? "ok    " : "FAILED"} ${e.name} (${ms(e.tookMs)})\n`);
    for (const n of e.notes) process.stdout.write(`         note: ${n}\n`);
  }
  for (const c of ctx.checks.filter((x) => !x.ok))
    process.stdout.write(`FAIL [${c.exp}] ${c.name}${c.detail ? `: ${c.detail}` : ""}\n`);
  process.stdout.write(`total ${ms(Date.now() - t0)}; logs under ${logsUnder}\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
