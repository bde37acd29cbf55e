// npm run test:package: the library as a user installs it. `npm pack`, a fresh cdktf TypeScript project in a
// temporary folder with the tarball and its peers (from the npm cache, the registry otherwise), the README's first
// example copied into it verbatim, `cdktf synth`, and the output compared byte for byte with the same program run
// inside this repository. Then the Python wheel (jsii-pacmak) in a virtual environment with cdktf and the docker
// provider from PyPI, declaring the seed's DLedger stack, compared byte for byte with the TypeScript stack; and a host
// implemented in Python through the public target contract (IRocketMqHost), whose processes' files must be the ones
// the same cluster gets on DockerHosts, and whose facts the rules must read.
// Last line: "N passed, N failed".
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { DLedgerGroup, DockerHost, NameServer, RocketMqCluster, RocketMqVersion } from "../lib";

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

/** Runs a command that may fail: its exit status and its output (stdout then stderr). */
function shStatus(
  cmd: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): { status: number | null; out: string } {
  const t = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: "1" },
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd} ${args.join(" ")} could not run: ${r.error.message}`);
  log(`${cmd} ${args.slice(0, 4).join(" ")}${args.length > 4 ? " ..." : ""}: exit ${r.status}, ${Date.now() - t} ms`);
  return { status: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
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
  // Below the temporary folder: a container's own /tmp (a volume of the image's) is not the build machine's.
  return [ROOT, `${os.tmpdir()}/`, os.homedir()].filter((p) => text.includes(p));
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

  // A mistake in the user's program, through the cdktf CLI: each problem once, no stack trace.
  const broken = example.replace(
    /RocketMqApp\.synth\(app\)/,
    'new BrokerPair(cluster, "broker-x", { master: { host: h28 } }); // listenPort 10911 on h28: taken by broker-a\nRocketMqApp.synth(app)',
  );
  fs.writeFileSync(path.join(project, "main.ts"), broken);
  const failed = shStatus("npx", ["cdktf", "synth"], { cwd: project, timeoutMs: 600_000 });
  fs.writeFileSync(path.join(project, "main.ts"), example);
  const printed = failed.out.split("\n").filter((l) => l.trim() !== "");
  const collisions = printed.filter((l) => l.includes("[prod/rmq/broker-x/master] [ports/collision]"));
  const traces = printed.filter((l) => /^\s+at /.test(l));
  // The CLI echoes the program's output as it comes and again in its failure summary: the problem shows twice, once
  // from each; the program itself prints it once (test/synth/app.test.ts).
  check(
    "TypeScript: a mistake through cdktf synth fails the command, printed by the program once (the CLI echoes it again in its summary), with no stack trace",
    broken !== example && failed.status !== 0 && collisions.length === 2 && traces.length === 0,
    `exit ${failed.status}; ${printed.length} lines printed, the collision on ${collisions.length}, ${traces.length} stack trace lines`,
  );

  // Terraform runs in cdktf.out/stacks/prod: the state must land where synth does not rewrite it.
  const backend = JSON.parse(fs.readFileSync(path.join(theirs, "cdk.tf.json"), "utf8"))?.terraform?.backend?.local
    ?.path;
  const statePath = typeof backend === "string" ? path.resolve(theirs, backend) : "";
  check(
    "TypeScript: the README's example keeps its state outside cdktf.out (beside main.ts), where cdktf synth does not rewrite it",
    statePath !== "" && path.dirname(statePath) === project,
    `backend local path ${JSON.stringify(backend)} -> ${path.relative(project, statePath) || statePath}`,
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

const PY_HOST_PROGRAM = `
# A host implemented in Python through the public target contract: machines another tool manages (an inventory),
# where RocketMQ's processes share the machine's loopback, ports and directories, with no named volumes and no images.
# python main.py <outdir>: a DLedger cluster on three such machines; each process's plan (files, command) becomes a
# stack output at synth, and the requests the hosts kept are written to <outdir>/requests.json.
# python main.py <outdir> rules: the same cluster with two mistakes that only the host's facts reveal.
import json
import sys
import typing

import jsii
from cdktf import App, IResolveContext, IStringProducer, Lazy, TerraformOutput, TerraformStack
from constructs import Construct
from rocketmq_cdktf import (
    DLedgerGroup,
    DLedgerPeerProps,
    HostOccupant,
    IRocketMqHost,
    MachineFacts,
    NameServer,
    PlacedProcess,
    ProcessRequest,
    RocketMqApp,
    RocketMqCluster,
    RocketMqVersion,
    StoreModel,
    StoreProps,
    StoreRequest,
)


@jsii.implements(IStringProducer)
class PlanJson:
    """The plan of one process at synth, as JSON: its files (path -> content) and its command."""

    def __init__(self, request: ProcessRequest) -> None:
        self.request = request

    def produce(self, context: IResolveContext) -> str:
        plan = self.request.plan()
        return json.dumps(
            {
                "path": plan.path,
                "processName": self.request.process_name,
                "files": {f.path: f.content for f in plan.files},
                "command": list(plan.command),
            },
            sort_keys=True,
        )


@jsii.implements(IRocketMqHost)
class InventoryHost(Construct):
    """A machine managed by another tool: every process is a plain process of the machine."""

    def __init__(self, scope: Construct, id: str, *, address: str) -> None:
        super().__init__(scope, id)
        self._address = address
        self.requests: typing.List[ProcessRequest] = []

    @property
    def address(self) -> str:
        return self._address

    @property
    def facts(self) -> MachineFacts:
        return MachineFacts(
            address=self._address,
            isolated_loopback=False,
            named_volumes=False,
            container_images=False,
            memory_limits=False,
            description="an inventory machine",
        )

    def store_of(self, request: StoreRequest) -> StoreModel:
        own = f"/srv/rocketmq/{request.process_name}"
        # A named volume means nothing here; it stays in the model so that the rules can refuse it.
        if request.store is not None and request.store.volume is not None:
            return StoreModel(volume=request.store.volume, mount_path=own)
        return StoreModel(host_path=own, mount_path=own)

    def place_process(self, request: ProcessRequest) -> PlacedProcess:
        self.requests.append(request)
        TerraformOutput(request.scope, "plan", value=Lazy.string_value(PlanJson(request)))
        return PlacedProcess()

    def occupants(self) -> typing.List[HostOccupant]:
        return []


outdir = sys.argv[1]
rules = sys.argv[2:] == ["rules"]
app = App(outdir=outdir)
stack = TerraformStack(app, "inventory")
hosts = [InventoryHost(stack, f"m{n}", address=f"172.17.160.{n}") for n in (28, 29, 30)]
cluster = RocketMqCluster(stack, "rmq", cluster_name="RaftCluster", version=RocketMqVersion.V4_9_8)
for i, host in enumerate(hosts):
    NameServer(cluster, f"ns{28 + i}", host=host, store=StoreProps(volume="x") if rules and i == 1 else None)
DLedgerGroup(cluster, "broker-c", peers=[DLedgerPeerProps(host=host) for host in hosts])
if rules:
    NameServer(cluster, "ns28b", host=hosts[0], listen_port=9876)
RocketMqApp.synth(app)
kept = [
    {
        "host": host.node.path,
        "path": r.path,
        "kind": r.kind.name,
        "processName": r.process_name,
        "store": {"hostPath": r.store.host_path, "mountPath": r.store.mount_path},
    }
    for host in hosts
    for r in host.requests
]
with open(f"{outdir}/requests.json", "w") as f:
    json.dump(kept, f, indent=2, sort_keys=True)
`;

/** A Java properties file as RocketMQ writes and reads the library's: `key=value` lines, `#` comments. */
function propertiesOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 1) throw new Error(`not a key=value line: ${JSON.stringify(line)}`);
    out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** The same cluster as PY_HOST_PROGRAM's, declared in TypeScript on DockerHosts at the same addresses: files by container name. */
function dockerTwinFiles(): Map<string, { file: string; content: string }> {
  const app = Testing.app();
  const stack = new TerraformStack(app, "inventory");
  const hosts = [28, 29, 30].map(
    (n) => new DockerHost(stack, `h${n}`, { address: `172.17.160.${n}`, dockerHost: `ssh://ops@172.17.160.${n}` }),
  );
  const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "RaftCluster", version: RocketMqVersion.V4_9_8 });
  hosts.forEach((host, i) => new NameServer(cluster, `ns${28 + i}`, { host }));
  new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
  const json = JSON.parse(Testing.synth(stack, true)) as {
    resource?: { docker_container?: Record<string, { name: string; upload?: { file: string; content: string }[] }> };
  };
  // Testing.app() made a temporary directory, which it never removes.
  fs.rmSync(app.outdir, { recursive: true, force: true });
  const out = new Map<string, { file: string; content: string }>();
  for (const c of Object.values(json.resource?.docker_container ?? {})) {
    // A server on a read-only root gets its files from its init container (<name>-store-init, <name>-logs-init).
    if (!c.upload?.length) continue;
    if (c.upload.length !== 1) throw new Error(`${c.name} uploads ${c.upload.length} files`);
    out.set(c.name.replace(/-(store|logs)-init$/, ""), c.upload[0]);
  }
  return out;
}

/** Keys whose value is the store's path: on the Python host they must be under /srv/rocketmq/<process name>. */
const STORE_KEYS = new Set(["storePathRootDir", "storePathCommitLog", "storePathDLedgerCommitLog", "kvConfigPath"]);

interface HostPlan {
  path: string;
  processName: string;
  files: Record<string, string>;
  command: string[];
}

/**
 * A host implemented in Python (PY_HOST_PROGRAM's InventoryHost): the cluster synthesizes on it, its processes' files
 * are the ones the same cluster gets on DockerHosts but for the store paths its `storeOf` chose, and the rules read its
 * facts.
 */
function pythonHost(work: string, python: string): void {
  const dir = path.join(work, "python-host");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "main.py"), PY_HOST_PROGRAM);

  // (a) synth, and each process's output: its plan's file and command
  const out = path.join(dir, "out");
  const ok = shStatus(python, ["main.py", out], { cwd: dir, timeoutMs: 300_000 });
  const stackFile = path.join(out, "stacks", "inventory", "cdk.tf.json");
  const synthesized = ok.status === 0 && fs.existsSync(stackFile);
  const outputs: Record<string, { value: string }> = synthesized
    ? ((JSON.parse(fs.readFileSync(stackFile, "utf8")) as { output?: Record<string, { value: string }> }).output ?? {})
    : {};
  const plans = Object.values(outputs)
    .map((o) => o.value)
    .filter((v) => v.startsWith("{"))
    .map((v) => JSON.parse(v) as HostPlan);
  const kept = synthesized
    ? (JSON.parse(fs.readFileSync(path.join(out, "requests.json"), "utf8")) as {
        path: string;
        kind: string;
        processName: string;
        store: { hostPath?: string; mountPath: string };
      }[])
    : [];
  const fileOf = (p: HostPlan): string | undefined =>
    p.files[
      p.command[1] === "mqbroker" ? "/home/rocketmq/conf/broker.properties" : "/home/rocketmq/conf/namesrv.properties"
    ];
  const brokers = plans.filter((p) => p.command[1] === "mqbroker");
  const nameServers = plans.filter((p) => p.command[1] === "mqnamesrv");
  const withFile = plans.filter((p) => {
    const text = fileOf(p);
    return text !== undefined && text.includes(`# Generated by rocketmq-cdktf for ${p.path} `);
  });
  const storesKept = kept.filter(
    (r) => r.store.hostPath === `/srv/rocketmq/${r.processName}` && r.store.mountPath === r.store.hostPath,
  );
  check(
    "Python host: a DLedger cluster on three InventoryHosts (IRocketMqHost implemented in Python) synthesizes; each process's output (a Lazy.string_value from a Python IStringProducer) holds its plan's broker.properties or namesrv.properties",
    synthesized &&
      brokers.length === 3 &&
      nameServers.length === 3 &&
      withFile.length === 6 &&
      kept.length === 6 &&
      storesKept.length === 6,
    synthesized
      ? `${plans.length} plan outputs (${brokers.length} brokers, ${nameServers.length} name servers), ${withFile.length} with their file; the hosts kept ${kept.length} requests, ${storesKept.length} with the store /srv/rocketmq/<process name> from store_of`
      : `exit ${ok.status}: ${ok.out.slice(-3000)}`,
  );

  // (b) every file equals, key for key, the one of the same cluster on DockerHosts, but for the store paths
  const twin = dockerTwinFiles();
  const compare = (group: HostPlan[]): { keys: number; store: number; problems: string[] } => {
    let keys = 0;
    let store = 0;
    const problems: string[] = [];
    for (const p of group) {
      const mine = twin.get(p.processName);
      const text = fileOf(p);
      if (!mine || text === undefined) {
        problems.push(`${p.path}: ${mine ? "no file in the Python plan" : `no DockerHost container ${p.processName}`}`);
        continue;
      }
      const py = propertiesOf(text);
      const ts = propertiesOf(mine.content);
      for (const key of [...new Set([...py.keys(), ...ts.keys()])].sort()) {
        const a = py.get(key);
        const b = ts.get(key);
        if (STORE_KEYS.has(key)) {
          const root = `/srv/rocketmq/${p.processName}`;
          if (a === undefined || b === undefined)
            problems.push(`${p.path} ${key}: ${a ?? "absent"} vs ${b ?? "absent"}`);
          else if (a !== root && !a.startsWith(`${root}/`)) problems.push(`${p.path} ${key}=${a} not under ${root}`);
          else store++;
        } else if (a !== b) problems.push(`${p.path} ${key}: ${a ?? "absent"} in Python, ${b ?? "absent"} on Docker`);
        else keys++;
      }
    }
    return { keys, store, problems };
  };
  const b = compare(brokers);
  check(
    "Python host: each DLedger peer's broker.properties equals, key for key, the same cluster's on DockerHosts at the same addresses, but for the store paths, which are under /srv/rocketmq/<process name>",
    brokers.length === 3 && b.problems.length === 0 && b.keys > 0 && b.store >= 6,
    `${brokers.length} peers: ${b.keys} keys equal, ${b.store} store path keys under /srv/rocketmq${b.problems.length ? `; ${b.problems.slice(0, 8).join("; ")}` : ""}`,
  );
  const n = compare(nameServers);
  check(
    "Python host: each name server's namesrv.properties equals, key for key, the DockerHost one, but for kvConfigPath, under /srv/rocketmq/<process name>",
    nameServers.length === 3 && n.problems.length === 0 && n.keys > 0 && n.store === 3,
    `${nameServers.length} name servers: ${n.keys} keys equal, ${n.store} store path keys${n.problems.length ? `; ${n.problems.slice(0, 8).join("; ")}` : ""}`,
  );

  // (c) the rules read the Python host's facts
  const bad = shStatus(python, ["main.py", path.join(dir, "out-rules"), "rules"], { cwd: dir, timeoutMs: 300_000 });
  const lines = bad.out.split("\n");
  const volume = lines.find(
    (l) => l.includes("[inventory/rmq/ns29] [stores/named-volume]") && l.includes("an inventory machine"),
  );
  const ports = lines.find((l) => l.includes("[inventory/rmq/ns28b] [ports/collision]"));
  check(
    "Python host: the rules read its facts: store.volume on an InventoryHost fails synth with [stores/named-volume] naming the host's description, two name servers on one at the same port with [ports/collision], each at its construct path",
    bad.status !== 0 && volume !== undefined && ports !== undefined,
    bad.status === 0
      ? "synth succeeded"
      : `exit ${bad.status}; ${[volume, ports].map((l) => (l ?? "missing").trim().slice(0, 160)).join(" | ")}`,
  );
}

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
  pythonHost(work, path.join(venv, "bin", "python"));
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
