/**
 * npm run bench [-- --sizes 10,100,1000,5000 --shapes pair,dledger --repeats 3 --large-repeats 1 --profile 1000]
 *
 * Synthesizes N broker sets (BrokerPairs of a master and a slave, or DLedger groups of 3, over 50 DockerHosts
 * with 3 name servers) with the library, and in the same run a baseline that declares exactly the resources
 * the library produced with cdktf alone (bench/baseline.ts); the two outputs must be byte-identical or the
 * bench fails. Every run is a fresh node process (compiled JavaScript, so TypeScript compilation is not
 * measured); library and baseline alternate; medians, and ratios taken pair by pair. Prints, per size, wall
 * time, CPU time (user+sys), peak RSS, the marginal cost per broker set between consecutive sizes and the
 * library/baseline ratios, then the issue #12 goals. `--profile N` also profiles the library at N pair sets.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeDeclarations } from "./declarations";
import { ChildFigures, FIGURES_PREFIX } from "./figures";
import { summarizeProfile } from "./profile";
import { Shape, SHAPES } from "./topology";

const ROOT = path.resolve(__dirname, "..").replace(/\/bench\/\.out$/, "");
const OUT = path.join(ROOT, "bench", ".out");
/** Both sides get the same heap ceiling; the largest sizes need more than node's default. */
const NODE_FLAGS = ["--max-old-space-size=8192"];

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const sizes = option("sizes", "10,100,1000,5000").split(",").map(Number);
const shapes = option("shapes", SHAPES.join(",")).split(",") as Shape[];
const repeats = Number(option("repeats", "3"));
const largeRepeats = Number(option("large-repeats", "1"));
const profileAt = Number(option("profile", "0"));

interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssKb: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function run(script: string, args: string[], flags: string[] = []): ChildFigures & { wallMs: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...NODE_FLAGS, ...flags, path.join(OUT, "bench", script), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith(FIGURES_PREFIX));
  if (r.status !== 0 || !line)
    throw new Error(`${script} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  return { ...(JSON.parse(line.slice(FIGURES_PREFIX.length)) as ChildFigures), wallMs };
}

interface Result {
  readonly shape: Shape;
  readonly sets: number;
  readonly containers: number;
  readonly resources: number;
  readonly library: Run;
  readonly baseline: Run;
  /** library / baseline, median of the ratios of each pair of runs */
  readonly ratio: Run;
  readonly runs: number;
}

function measure(shape: Shape, sets: number, tmp: string): Result {
  const libOut = path.join(tmp, "library");
  const baseOut = path.join(tmp, "baseline");
  const decls = path.join(tmp, "declarations.ndjson");
  const n = sets >= 5000 ? largeRepeats : repeats;
  const lib: Run[] = [];
  const base: Run[] = [];
  let counts = { containers: 0, resources: 0 };
  for (let i = 0; i < n; i++) {
    fs.rmSync(libOut, { recursive: true, force: true });
    fs.rmSync(baseOut, { recursive: true, force: true });
    const l = run("library.js", [shape, String(sets), libOut]);
    const libJson = path.join(libOut, "stacks", "bench", "cdk.tf.json");
    if (i === 0) {
      writeDeclarations(libJson, decls);
      const tf = JSON.parse(fs.readFileSync(libJson, "utf8"));
      const byType = Object.values<object>(tf.resource ?? {}).map((r) => Object.keys(r).length);
      counts = {
        containers: Object.keys(tf.resource?.docker_container ?? {}).length,
        resources: byType.reduce((a, b) => a + b, 0),
      };
    }
    const b = run("baseline.js", [decls, baseOut]);
    const baseJson = path.join(baseOut, "stacks", "bench", "cdk.tf.json");
    if (!fs.readFileSync(libJson).equals(fs.readFileSync(baseJson))) {
      throw new Error(
        `${shape} ${sets}: the baseline's output differs from the library's (${libJson} vs ${baseJson}); the ratio would not compare like with like`,
      );
    }
    lib.push({ wallMs: l.wallMs, cpuMs: l.cpuMs, maxRssKb: l.maxRssKb });
    // The baseline's reading of its input is not cdktf's work: subtracted (this only makes the ratio stricter).
    base.push({ wallMs: b.wallMs - (b.inputMs ?? 0), cpuMs: b.cpuMs - (b.inputMs ?? 0), maxRssKb: b.maxRssKb });
    process.stderr.write(
      `  ${shape} ${sets} run ${i + 1}/${n}: library ${(l.wallMs / 1000).toFixed(2)} s, baseline ${(b.wallMs / 1000).toFixed(2)} s (input ${((b.inputMs ?? 0) / 1000).toFixed(2)} s)\n`,
    );
  }
  const of = (runs: Run[]): Run => ({
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    maxRssKb: median(runs.map((r) => r.maxRssKb)),
  });
  const ratio: Run = {
    wallMs: median(lib.map((r, i) => r.wallMs / base[i].wallMs)),
    cpuMs: median(lib.map((r, i) => r.cpuMs / base[i].cpuMs)),
    maxRssKb: median(lib.map((r, i) => r.maxRssKb / base[i].maxRssKb)),
  };
  return { shape, sets, ...counts, library: of(lib), baseline: of(base), ratio, runs: n };
}

const s = (ms: number) => (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
const mb = (kb: number) => String(Math.round(kb / 1024));
const x = (r: number) => r.toFixed(2);

function table(results: Result[]): string {
  const rows = [
    "| shape | broker sets | containers | resources | runs | wall s lib / base | ratio | CPU s lib / base | ratio | peak RSS MB lib / base | ratio | marginal ms/set lib / base |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    const prev = results.filter((p) => p.shape === r.shape && p.sets < r.sets).pop();
    const marginal = prev
      ? `${((r.library.wallMs - prev.library.wallMs) / (r.sets - prev.sets)).toFixed(1)} / ${((r.baseline.wallMs - prev.baseline.wallMs) / (r.sets - prev.sets)).toFixed(1)}`
      : "";
    rows.push(
      `| ${r.shape} | ${r.sets.toLocaleString("en")} | ${r.containers.toLocaleString("en")} | ${r.resources.toLocaleString("en")} | ${r.runs} | ${s(r.library.wallMs)} / ${s(r.baseline.wallMs)} | ${x(r.ratio.wallMs)} | ${s(r.library.cpuMs)} / ${s(r.baseline.cpuMs)} | ${x(r.ratio.cpuMs)} | ${mb(r.library.maxRssKb)} / ${mb(r.baseline.maxRssKb)} | ${x(r.ratio.maxRssKb)} | ${marginal} |`,
    );
  }
  return rows.join("\n");
}

/** Issue #12: at 1,000 and 5,000 sets at most 1.25x the baseline's time and 1.5x its memory; marginal cost flat (±30%) from 100 to 5,000. */
function goals(results: Result[]): string[] {
  const out: string[] = [];
  for (const r of results.filter((r) => r.sets >= 1000)) {
    out.push(
      `${r.ratio.wallMs <= 1.25 ? "ok  " : "MISS"} ${r.shape} ${r.sets}: wall ratio ${x(r.ratio.wallMs)} (goal <= 1.25)`,
    );
    out.push(
      `${r.ratio.maxRssKb <= 1.5 ? "ok  " : "MISS"} ${r.shape} ${r.sets}: peak RSS ratio ${x(r.ratio.maxRssKb)} (goal <= 1.5)`,
    );
  }
  for (const shape of shapes) {
    const bySize = results.filter((r) => r.shape === shape && r.sets >= 100);
    const marginals = bySize
      .slice(1)
      .map((r, i) => (r.library.wallMs - bySize[i].library.wallMs) / (r.sets - bySize[i].sets));
    if (marginals.length < 2) continue;
    const flat = marginals.every((m) => Math.abs(m / marginals[0] - 1) <= 0.3);
    const spans = bySize.slice(1).map((r, i) => `${bySize[i].sets}->${r.sets}: ${marginals[i].toFixed(1)}`);
    out.push(
      `${flat ? "ok  " : "MISS"} ${shape}: marginal cost per set ${spans.join(", ")} ms (goal: each within ±30% of the first)`,
    );
  }
  return out;
}

function profile(sets: number, tmp: string): string {
  const dir = path.join(tmp, "profile");
  run("library.js", ["pair", String(sets), path.join(tmp, "profiled")], ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
  const file = path.join(
    dir,
    fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))!,
  );
  const { totalMs, libraryShare, functions } = summarizeProfile(file, ROOT);
  const pct = (f: number) => `${(100 * f).toFixed(1)}%`;
  const line = (f: (typeof functions)[number]) =>
    `  ${pct(f.selfShare).padStart(6)} self ${(f.library ? pct(f.ownShare) : "-").padStart(6)} own ${pct(f.inclusiveShare).padStart(6)} incl  ${f.name} (${f.where.replace(/^bench\/\.out\//, "")})`;
  const lib = functions.filter((f) => f.library);
  return [
    `CPU profile of the library at ${sets} pair sets (${s(totalMs)} s sampled); the library's own code: ${pct(libraryShare)}.`,
    "self: in the function itself; own: with what it calls in the library; incl: also with what it calls in cdktf.",
    "most self time, any code:",
    ...[...functions]
      .sort((a, b) => b.selfShare - a.selfShare)
      .slice(0, 10)
      .map(line),
    "the library's functions, most self time:",
    ...[...lib]
      .sort((a, b) => b.selfShare - a.selfShare)
      .slice(0, 6)
      .map(line),
    "the library's functions, most own time:",
    ...[...lib]
      .sort((a, b) => b.ownShare - a.ownShare)
      .slice(0, 6)
      .map(line),
    "the library's functions, most inclusive time:",
    ...[...lib]
      .sort((a, b) => b.inclusiveShare - a.inclusiveShare)
      .slice(0, 6)
      .map(line),
  ].join("\n");
}

function main(): void {
  process.stderr.write("compiling lib and bench (tsc)...\n");
  fs.rmSync(OUT, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "bench", "tsconfig.json")],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rocketmq-cdktf-bench-"));
  try {
    const results: Result[] = [];
    for (const shape of shapes) {
      for (const sets of sizes) {
        results.push(measure(shape, sets, tmp));
        process.stderr.write(table(results.slice(-1)).split("\n")[2] + "\n");
      }
    }
    const cpus = os.cpus();
    console.log(
      `Machine: ${cpus.length} × ${cpus[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${os.platform()}; load average at the end ${os.loadavg()[0].toFixed(1)}\n`,
    );
    console.log(table(results));
    console.log("\n" + goals(results).join("\n"));
    if (profileAt > 0) console.log("\n" + profile(profileAt, tmp));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
