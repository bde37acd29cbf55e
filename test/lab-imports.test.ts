// The labs use the library as a user does: through the package's entry points only (rocketmq-cdktf = lib/index.ts,
// rocketmq-cdktf/core = lib/core/index.ts), plus the examples. And no import circle among the programs around lib.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const REPO = path.resolve(__dirname, "..");
const LIB = path.join(REPO, "lib");
/** The package's public entry points, as files. */
const ENTRY_POINTS = [path.join(LIB, "index.ts"), path.join(LIB, "core", "index.ts")];
/** Folders of programs that use the library from outside (checked for import circles). */
const PROGRAMS = ["lab", "examples", "bench", "tools"];

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith("."))
    .flatMap((e) =>
      e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
    );
}

/** Every module a file names (static, type-only, dynamic import(), require), as TypeScript's pre-processor reads it. */
function specifiers(file: string): string[] {
  return ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles.map((f) => f.fileName);
}

/** A relative specifier resolved as TypeScript does for these programs (x.ts, x/index.ts); undefined: a package. */
function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const p = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${p}.ts`, path.join(p, "index.ts"), p]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return p; // unresolved: reported by whoever checks it
}

const rel = (f: string) => path.relative(REPO, f);

describe("the labs import the library through its public entry points only", () => {
  const labFiles = tsFiles(path.join(REPO, "lab"));

  test("the lab has TypeScript files to check", () => {
    expect(labFiles.length).toBeGreaterThan(10);
  });

  test("no lab file imports a lib path other than lib/index.ts and lib/core/index.ts, nor anything outside lab/, lib/ and examples/", () => {
    const bad: string[] = [];
    for (const f of labFiles) {
      for (const spec of specifiers(f)) {
        const target = resolve(f, spec);
        if (target === undefined) {
          if (spec.startsWith("rocketmq-cdktf/") && spec !== "rocketmq-cdktf/core") bad.push(`${rel(f)}: ${spec}`);
          continue;
        }
        const inside = (dir: string) => !path.relative(path.join(REPO, dir), target).startsWith("..");
        if (inside("lab") || inside("examples")) continue;
        if (ENTRY_POINTS.includes(target)) continue;
        bad.push(`${rel(f)}: ${spec} (${rel(target)})`);
      }
    }
    expect(bad).toEqual([]);
  });

  test("the check sees a deep import (the resolution above is the one these files use)", () => {
    const from = path.join(REPO, "lab", "engine", "run.ts");
    expect(resolve(from, "../../lib")).toBe(ENTRY_POINTS[0]);
    expect(resolve(from, "../../lib/core")).toBe(ENTRY_POINTS[1]);
    expect(ENTRY_POINTS).not.toContain(resolve(from, "../../lib/report/impact"));
    expect(specifiers(path.join(REPO, "lab", "run.ts"))).toContain("./probe"); // a dynamic import() is seen too
  });
});

describe("no import circle", () => {
  const files = PROGRAMS.flatMap((d) => tsFiles(path.join(REPO, d)));
  const inGraph = new Set(files);
  const edges = new Map(
    files.map((f) => [
      f,
      specifiers(f)
        .map((s) => resolve(f, s))
        .filter((t): t is string => t !== undefined && inGraph.has(t)),
    ]),
  );

  /** Every circle, as the path that closes it (depth-first, each circle reported once from where it was found). */
  function circles(): string[] {
    const found: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, "open");
      stack.push(f);
      for (const t of edges.get(f) ?? []) {
        if (state.get(t) === "open") found.push([...stack.slice(stack.indexOf(t)), t].map(rel).join(" -> "));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, "done");
    };
    for (const f of files) if (!state.has(f)) visit(f);
    return found;
  }

  test(`among the files of ${PROGRAMS.join(", ")} (type-only imports included)`, () => {
    expect(files.length).toBeGreaterThan(20);
    expect(circles()).toEqual([]);
  });
});
