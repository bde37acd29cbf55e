// Small helpers shared by the lab: commands with timeouts, bounded polling, timing, log tails.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const LAB_DIR = __dirname;
export const REPO_DIR = path.resolve(__dirname, "..");
export const WORK_DIR = process.env.ROCKETMQ_LAB_WORK ?? path.join(LAB_DIR, ".work");

const t0 = Date.now();
/** Where log lines go (the catalogue CLI sends them to stderr so that stdout is only JSON). */
export const logTo: { stream: NodeJS.WritableStream } = { stream: process.stdout };
export function log(msg: string): void {
  const s = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  logTo.stream.write(`[${s}s] ${msg}\n`);
}

/**
 * From now on, every line logged is also kept in the array answered (a leak check reads them), besides going where it
 * went.
 */
export function captureLog(): string[] {
  const lines: string[] = [];
  const to = logTo.stream;
  logTo.stream = {
    write: (text: string) => {
      lines.push(text);
      return to.write(text);
    },
  } as unknown as NodeJS.WritableStream;
  return lines;
}

/** Every regular file under a folder, recursively (symbolic links are not followed). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : [],
    );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs a command synchronously; throws with its stderr on failure. Always bounded by a timeout. */
export function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): string {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    input: opts.input,
    timeout: opts.timeoutMs ?? 30_000,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    killSignal: "SIGKILL",
  });
  if (r.error) throw new Error(`${cmd} ${args.join(" ")}: ${r.error.message}`);
  if (r.status !== 0) {
    const text = stripAnsi(`${r.stdout ?? ""}\n${r.stderr ?? ""}`).trim();
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}: ${text.slice(-3000)}`);
  }
  return r.stdout;
}

/** The text without its ANSI colour sequences (ESC [ ... m), as tools print them on a terminal. */
/**
 * The package's command (`rocketmq-cdktf <args>`, lib/cli.ts, as a user's `npx rocketmq-cdktf` runs it) as argv; in the
 * network namespace `ns` when given (where the pipeline's clients are, next to the cluster).
 */
export function cliArgv(args: readonly string[], ns?: string): [string, ...string[]] {
  const cmd: [string, ...string[]] = [
    path.join(REPO_DIR, "node_modules", ".bin", "ts-node"),
    "--transpile-only",
    path.join(REPO_DIR, "lib", "cli.ts"),
    ...args,
  ];
  return ns ? ["ip", "netns", "exec", ns, ...cmd] : cmd;
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- ESC (\x1b) starts the colour sequence this removes
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Like run, but never throws (for cleanup paths). */
export function tryRun(cmd: string, args: string[], timeoutMs = 10_000): boolean {
  try {
    execFileSync(cmd, args, { timeout: timeoutMs, stdio: "ignore", killSignal: "SIGKILL" });
    return true;
  } catch {
    return false;
  }
}

/** Polls fn until it returns a value other than undefined, or throws after timeoutMs (with the last error/detail). */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  intervalMs: number,
  fn: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last error: ${last}` : ""}`);
    await sleep(intervalMs);
  }
}

export function tail(file: string, lines = 30): string {
  try {
    const all = fs.readFileSync(file, "utf8").split("\n");
    return all.slice(-lines - 1).join("\n");
  } catch (e) {
    return `(no ${file}: ${(e as Error).message})`;
  }
}

export function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export function ms(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}
