// npm run test:package: the library as a user installs it. `npm pack`, a fresh cdktf TypeScript project in a
// temporary folder with the tarball and its peers (from the npm cache, the registry otherwise), the README's first
// example copied into it verbatim, `cdktf synth`, and the output compared byte for byte with the same program run
// inside this repository. Then the Python wheel (jsii-pacmak) in a virtual environment with cdktf and the docker
// provider from PyPI, declaring the seed's DLedger stack, compared byte for byte with the TypeScript stack.
// Last line: "N passed, N failed".
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const t0 = Date.now();
const results: { name: string; ok: boolean; detail: string }[] = [];

function log(msg: string): void {
  process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}

function check(name: string, ok: boolean, detail = ""): void {
  results.push({ name, ok, detail });
  log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? ` -- ${detail}` : ""}`);
}

function sh(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): string {
  const t = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: "1", ...opts.env },
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.error || r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(" ")} (in ${opts.cwd ?? ROOT}) failed (${r.error?.message ?? `exit ${r.status}`}):\n${out.slice(-4000)}`,
    );
  log(`${cmd} ${args.slice(0, 4).join(" ")}${args.length > 4 ? " ..." : ""}: ${Date.now() - t} ms`);
  return out;
}

/** The first ```ts block of README.md: the example a user copies. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const m = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error("README.md has no ```ts block");
  return m[1];
}

function devVersion(name: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const v = pkg.devDependencies[name];
  if (!v) throw new Error(`package.json has no devDependency ${name}`);
  return v;
}

function newestSource(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** The jsii assembly (and the compiled JavaScript) is missing or older than the library's sources. */
function assemblyStale(): boolean {
  const asm = path.join(ROOT, ".jsii");
  return !fs.existsSync(asm) || fs.statSync(asm).mtimeMs < newestSource(path.join(ROOT, "lib"));
}

function machinePaths(text: string): string[] {
  return [ROOT, os.tmpdir(), os.homedir()].filter((p) => text.includes(p));
}

function typescriptProject(work: string): void {
  // the package a user installs
  if (assemblyStale()) sh("npx", ["jsii"]);
  const packed = sh("npm", ["pack", "--json", "--pack-destination", work]);
  const info = JSON.parse(packed.slice(packed.indexOf("[")))[0];
  const tarball = path.join(work, info.filename);
  const files: string[] = info.files.map((f: { path: string }) => f.path);
  const needed = [
    "dist/js/lib/index.js",
    "dist/js/lib/index.d.ts",
    ".jsii",
    "README.md",
    "LICENSE",
    "API.md",
    "core.js",
    "core.d.ts",
    "dist/js/lib/core/versions/data/catalogues.json",
    "dist/js/lib/cli.js",
  ];
  const missing = needed.filter((f) => !files.includes(f));
  const extra = files.filter(
    (f) => /^(lab|test|examples|bench|tools)\//.test(f) || (f.endsWith(".ts") && !f.endsWith(".d.ts")),
  );
  check(
    `npm pack: ${files.length} files, ${Math.round(info.size / 1024)} KiB; what a user needs (compiled JS, declarations, the jsii assembly, the catalogues, README, LICENSE, API.md), no lab, tests or sources`,
    missing.length === 0 && extra.length === 0,
    `${missing.length ? `missing ${missing.join(", ")}` : ""}${extra.length ? ` unexpected ${extra.slice(0, 10).join(", ")}` : ""}`,
  );

  // a new cdktf TypeScript project, as `cdktf init --template=typescript` lays it out
  const project = path.join(work, "user-project");
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify(
      {
        name: "my-rocketmq-stack",
        version: "1.0.0",
        private: true,
        scripts: { synth: "cdktf synth" },
        dependencies: {
          cdktf: devVersion("cdktf"),
          constructs: devVersion("constructs"),
          "@cdktf/provider-docker": devVersion("@cdktf/provider-docker"),
          "rocketmq-cdktf": `file:${tarball}`,
        },
        devDependencies: {
          "cdktf-cli": devVersion("cdktf-cli"),
          typescript: devVersion("typescript"),
          "ts-node": devVersion("ts-node"),
          "@types/node": devVersion("@types/node"),
        },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(
    path.join(project, "cdktf.json"),
    JSON.stringify(
      {
        language: "typescript",
        app: "npx ts-node main.ts",
        projectId: "00000000-0000-0000-0000-000000000000",
        sendCrashReports: "false",
        terraformProviders: [],
        terraformModules: [],
        context: {},
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(
    path.join(project, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2018",
          module: "CommonJS",
          lib: ["es2018"],
          declaration: true,
          strict: true,
          noImplicitAny: true,
          strictNullChecks: true,
          noImplicitThis: true,
          alwaysStrict: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          noImplicitReturns: true,
          noFallthroughCasesInSwitch: true,
          inlineSourceMap: true,
          inlineSources: true,
          experimentalDecorators: true,
          strictPropertyInitialization: true,
          incremental: true,
          skipLibCheck: true,
        },
        include: ["**/*.ts"],
        exclude: ["node_modules", "cdktf.out"],
      },
      null,
      2,
    ),
  );
  const example = readmeExample();
  fs.writeFileSync(path.join(project, "main.ts"), example);
  sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project, timeoutMs: 900_000 });
  sh("npx", ["cdktf", "synth"], { cwd: project, timeoutMs: 600_000 });
  const theirs = path.join(project, "cdktf.out", "stacks", "prod");
  const core = sh(
    "node",
    [
      "-e",
      'const core = require("rocketmq-cdktf/core"); process.stdout.write(typeof core.checkTopology + " " + typeof core.renderBrokerProperties)',
    ],
    { cwd: project },
  );
  check("TypeScript: the pure core is importable as rocketmq-cdktf/core", core.startsWith("function function"), core);
  const report = sh("npx", ["rocketmq-cdktf", "topology", "cdktf.out"], { cwd: project });
  check(
    "TypeScript: the installed package's command prints the topology (npx rocketmq-cdktf topology cdktf.out)",
    report.includes("# RocketMQ topology of stack `prod`"),
    report.split("\n")[0],
  );

  // the same program inside this repository
  const here = path.join(ROOT, "test", ".readme-example.generated.ts");
  const ref = path.join(work, "in-repo");
  fs.writeFileSync(here, example.replace(/from "rocketmq-cdktf"/g, 'from "../lib"'));
  try {
    sh("npx", ["ts-node", "--transpile-only", here], { env: { CDKTF_OUTDIR: ref } });
  } finally {
    fs.rmSync(here, { force: true });
  }
  const mine = path.join(ref, "stacks", "prod");
  for (const f of ["cdk.tf.json", "topology.md"]) {
    const a = fs.readFileSync(path.join(theirs, f), "utf8");
    const b = fs.readFileSync(path.join(mine, f), "utf8");
    check(
      `TypeScript: the README's example, installed in a new project, synthesizes ${f} byte for byte as inside this repository`,
      a === b,
      a === b ? `${a.length} bytes` : `${a.length} vs ${b.length} bytes`,
    );
    const paths = machinePaths(a);
    check(
      `TypeScript: the installed example's ${f} holds no path of the build machine`,
      paths.length === 0,
      paths.join(", "),
    );
  }
}

const PY_PROGRAM = `
# The seed's DLedger stack (examples/seed.ts SeedDLedgerStack), as a Python user writes it.
import sys
from cdktf import App, LocalBackend, TerraformStack
from constructs import Construct
from rocketmq_cdktf import DLedgerGroup, DLedgerPeerProps, DockerHost, JvmProps, NameServer, RocketMqCluster, RocketMqVersion, TopologyReport


class SeedDLedgerStack(TerraformStack):
    def __init__(self, scope: Construct, id: str):
        super().__init__(scope, id)
        LocalBackend(self, path=f"../../../terraform.{id}.tfstate")
        hosts = [DockerHost(self, f"h{n}", address=f"172.17.160.{n}", docker_host=f"ssh://ops@172.17.160.{n}") for n in (28, 29, 30)]
        cluster = RocketMqCluster(self, "rmq", cluster_name="RaftCluster", version=RocketMqVersion.V4_9_8,
                                  broker_jvm=JvmProps(heap_mb=512, direct_memory_mb=512),
                                  name_server_jvm=JvmProps(heap_mb=256, direct_memory_mb=128))
        for i, host in enumerate(hosts):
            NameServer(cluster, f"ns{28 + i}", host=host)
        DLedgerGroup(cluster, "broker-c", peers=[DLedgerPeerProps(host=host) for host in hosts])


app = App(outdir=sys.argv[1])
stack = SeedDLedgerStack(app, "seed-dledger")
app.synth()
with open(sys.argv[1] + "/topology-of.md", "w") as f:
    f.write(TopologyReport.of(stack))
`;

function pythonWheel(work: string): void {
  sh("npx", ["jsii-pacmak", "--targets", "python"], { timeoutMs: 900_000 });
  const wheels = fs.readdirSync(path.join(ROOT, "dist", "python")).filter((f) => f.endsWith(".whl"));
  check("Python: jsii-pacmak builds a wheel", wheels.length === 1, wheels.join(", "));
  const venv = path.join(work, "venv");
  sh("python3", ["-m", "venv", venv]);
  const pip = path.join(venv, "bin", "pip");
  sh(
    pip,
    [
      "install",
      "--disable-pip-version-check",
      "-q",
      "cdktf==0.21.0",
      "cdktf-cdktf-provider-docker==12.0.3",
      path.join(ROOT, "dist", "python", wheels[0]),
    ],
    { timeoutMs: 900_000 },
  );
  const program = path.join(work, "main.py");
  fs.writeFileSync(program, PY_PROGRAM);
  const pyOut = path.join(work, "py-out");
  sh(path.join(venv, "bin", "python"), [program, pyOut], { cwd: work, timeoutMs: 300_000 });
  const tsOut = path.join(work, "ts-out");
  sh("npx", ["ts-node", "--transpile-only", "main.ts"], { env: { CDKTF_OUTDIR: tsOut } });
  check(
    "Python: TopologyReport.of(stack) answers the report written at synth",
    fs.readFileSync(path.join(pyOut, "topology-of.md"), "utf8") ===
      fs.readFileSync(path.join(pyOut, "stacks", "seed-dledger", "topology.md"), "utf8"),
  );
  // the README's Python example, verbatim, in the user's folder
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const pyExample = /```python\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!pyExample) throw new Error("README.md has no ```python block");
  const userDir = path.join(work, "python-user");
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, "main.py"), pyExample);
  sh(path.join(venv, "bin", "python"), ["main.py"], { cwd: userDir, timeoutMs: 300_000 });
  const readmeStack = path.join(userDir, "cdktf.out", "stacks", "prod", "cdk.tf.json");
  const containers = fs.existsSync(readmeStack)
    ? Object.keys(JSON.parse(fs.readFileSync(readmeStack, "utf8")).resource?.docker_container ?? {}).length
    : 0;
  check(
    "Python: the README's Python example, verbatim, synthesizes its stack",
    containers === 12,
    `${containers} docker_container resources (3 name servers, 3 peers, each with its store-init)`,
  );
  for (const f of ["cdk.tf.json", "topology.md"]) {
    const a = fs.readFileSync(path.join(pyOut, "stacks", "seed-dledger", f), "utf8");
    const b = fs.readFileSync(path.join(tsOut, "stacks", "seed-dledger", f), "utf8");
    check(
      `Python: the seed's DLedger stack declared in Python synthesizes ${f} byte for byte as the TypeScript one`,
      a === b,
      a === b ? `${a.length} bytes` : `${a.length} vs ${b.length} bytes`,
    );
  }
}

function main(): number {
  const only = process.argv.slice(2);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-package-"));
  try {
    for (const [name, fn] of [
      ["typescript", typescriptProject],
      ["python", pythonWheel],
    ] as const) {
      if (only.length && !only.includes(name)) continue;
      try {
        fn(work);
      } catch (e) {
        check(`${name}: ran to the end`, false, (e as Error).message);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok).length;
  process.stdout.write(
    `total ${((Date.now() - t0) / 1000).toFixed(1)} s\n${results.length - failed} passed, ${failed} failed\n`,
  );
  return failed ? 1 : 0;
}

process.exit(main());
