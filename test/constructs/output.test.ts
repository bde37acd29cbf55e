import { App, Testing } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BrokerPair, DLedgerGroup, DockerHost, NameServer, Replication, RocketMqCluster } from "../../lib";
import { buildExamples, DevStack, SeedControllerStack, SeedDLedgerStack, SeedSyncStack } from "../../examples/seed";
import { synth } from "../helpers";

function synthToDir(): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-synth-"));
  try {
    const app = new App({ outdir });
    buildExamples(app);
    app.synth();
    const files = new Map<string, string>();
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else files.set(path.relative(outdir, p), fs.readFileSync(p, "utf8"));
      }
    };
    walk(outdir);
    return files;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe("synthesized output", () => {
  const first = synthToDir();
  const second = synthToDir();
  const stacks = [...first.keys()].filter((f) => f.endsWith("cdk.tf.json")).sort();

  test("every example stack is synthesized", () => {
    expect(stacks).toEqual([
      "stacks/dev/cdk.tf.json",
      "stacks/seed-2m-2s-sync/cdk.tf.json",
      "stacks/seed-5x-controller/cdk.tf.json",
      "stacks/seed-dledger-vm/cdk.tf.json",
      "stacks/seed-dledger/cdk.tf.json",
    ]);
  });

  test("is byte-identical across runs", () => {
    for (const f of stacks) expect(second.get(f)).toBe(first.get(f));
  });

  test("contains no path of the build machine", () => {
    const forbidden = [process.cwd(), os.tmpdir(), os.homedir(), path.resolve(__dirname, "..")].filter(
      (p) => p.length > 1,
    );
    for (const f of stacks) for (const p of forbidden) expect(first.get(f)).not.toContain(p);
  });
});

describe("declaration order", () => {
  test("declaring name servers after the brokers, and peers before pairs, changes nothing", () => {
    const inOrder = synth((s) => {
      const h1 = new DockerHost(s, "h1", { address: "10.0.0.1" });
      const h2 = new DockerHost(s, "h2", { address: "10.0.0.2" });
      const h3 = new DockerHost(s, "h3", { address: "10.0.0.3" });
      const c = new RocketMqCluster(s, "rmq");
      new NameServer(c, "ns1", { host: h1 });
      new NameServer(c, "ns2", { host: h2 });
      new BrokerPair(c, "broker-a", { replication: Replication.SYNC, master: { host: h1 }, slaves: [{ host: h2 }] });
      new DLedgerGroup(c, "broker-c", {
        peers: [{ host: h1, listenPort: 20911 }, { host: h2, listenPort: 20911 }, { host: h3 }],
      });
    });
    const reversed = synth((s) => {
      const h1 = new DockerHost(s, "h1", { address: "10.0.0.1" });
      const h2 = new DockerHost(s, "h2", { address: "10.0.0.2" });
      const h3 = new DockerHost(s, "h3", { address: "10.0.0.3" });
      const c = new RocketMqCluster(s, "rmq");
      new DLedgerGroup(c, "broker-c", {
        peers: [{ host: h1, listenPort: 20911 }, { host: h2, listenPort: 20911 }, { host: h3 }],
      });
      new BrokerPair(c, "broker-a", { replication: Replication.SYNC, master: { host: h1 }, slaves: [{ host: h2 }] });
      new NameServer(c, "ns2", { host: h2 });
      new NameServer(c, "ns1", { host: h1 });
    });
    expect(JSON.stringify(reversed)).toBe(JSON.stringify(inOrder));
  });
});

describe("topology review snapshots", () => {
  for (const [name, Stack] of [
    ["seed-2m-2s-sync", SeedSyncStack],
    ["seed-dledger", SeedDLedgerStack],
    ["seed-5x-controller", SeedControllerStack],
    ["dev", DevStack],
  ] as const) {
    test(`${name}`, () => {
      const stack = new Stack(Testing.app(), name);
      expect(Testing.synth(stack, true)).toMatchSnapshot();
    });
  }
});
