import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const ASSEMBLY = path.join(ROOT, ".jsii");

function newestSource(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestSource(p));
    else if (e.name.endsWith(".ts")) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** The jsii assembly of the library, built here when missing or older than the sources (`npm run build` makes it). */
function assembly(): any {
  if (!fs.existsSync(ASSEMBLY) || fs.statSync(ASSEMBLY).mtimeMs < newestSource(path.join(ROOT, "lib"))) {
    const r = spawnSync("npx", ["jsii"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 240_000,
      env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: "1" },
    });
    if (r.status !== 0) throw new Error(`jsii failed:\n${r.stdout}\n${r.stderr}`);
  }
  return JSON.parse(fs.readFileSync(ASSEMBLY, "utf8"));
}

describe("the public API (the jsii assembly)", () => {
  const asm = assembly();
  const types = Object.values<any>(asm.types);

  test("has every construct and host a user declares", () => {
    const names = types.map((t) => t.name);
    for (const n of [
      "RocketMqCluster",
      "NameServer",
      "BrokerPair",
      "DLedgerGroup",
      "ControllerGroup",
      "ControllerBrokerSet",
      "Proxy",
      "Dashboard",
      "DockerHost",
      "RocketMqApp",
    ])
      expect(names).toContain(n);
  });

  test("every type and every property has a docstring, and every optional property of a props struct says its @default", () => {
    const missing: string[] = [];
    for (const t of types) {
      if (!t.docs?.summary) missing.push(`${t.name}: no docstring`);
      for (const p of t.properties ?? []) {
        if (!p.docs?.summary) missing.push(`${t.name}.${p.name}: no docstring`);
        if (t.kind === "interface" && t.datatype && p.optional && p.docs?.default === undefined)
          missing.push(`${t.name}.${p.name}: optional without @default`);
      }
      for (const m of t.members ?? []) if (!m.docs?.summary) missing.push(`${t.name}.${m.name}: no docstring`);
    }
    expect(missing).toEqual([]);
  });

  test("API.md is generated from these docstrings and up to date (npm run docgen)", () => {
    const r = spawnSync("npx", ["jsii-docgen", "-o", path.join(os.tmpdir(), "rmq-API.md")], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(os.tmpdir(), "rmq-API.md"), "utf8")).toBe(
      fs.readFileSync(path.join(ROOT, "API.md"), "utf8"),
    );
  });
});
