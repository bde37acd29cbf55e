import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { BrokerPair, DLedgerGroup, DockerHost, NameServer, Replication, RocketMqApp, RocketMqCluster } from "../../lib";

function appWithStacks(outdir: string): App {
  const app = new App({ outdir });
  const one = new TerraformStack(app, "one");
  const h1 = new DockerHost(one, "h", { address: "10.0.0.1" });
  const c1 = new RocketMqCluster(one, "rmq");
  new NameServer(c1, "ns", { host: h1 });
  new BrokerPair(c1, "a", { replication: Replication.SYNC, master: { host: h1 } }); // error: SYNC without a slave
  const two = new TerraformStack(app, "two");
  const h2 = new DockerHost(two, "h", { address: "10.0.0.2" });
  const c2 = new RocketMqCluster(two, "rmq");
  new NameServer(c2, "ns", { host: h2 });
  new DLedgerGroup(c2, "c", { peers: [{ host: h2 }, { host: h2, listenPort: 20911 }] }); // error: 2 peers; warning: one host
  return app;
}

describe("RocketMqApp.synth", () => {
  let outdir: string;
  beforeEach(() => (outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-app-"))));
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test("app.synth() stops at the first stack with an error and hides the others", () => {
    expect(() => appWithStacks(outdir).synth()).toThrow(/\[one\/rmq\/a\] \[ids\/sync-needs-slave\]/);
    let message = "";
    try {
      appWithStacks(outdir).synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain("two/rmq/c");
  });

  test("reports the errors of every stack in one run, in cdktf's format, and writes nothing", () => {
    let message = "";
    try {
      RocketMqApp.synth(appWithStacks(outdir), { printWarnings: false, throwOnError: true });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Validation failed with the following errors:/);
    expect(message).toContain("[one/rmq/a] [ids/sync-needs-slave]");
    expect(message).toContain("[two/rmq/c] [dledger/quorum]");
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(false);
  });

  test("prints warnings to stderr when the program runs directly, and synthesizes a valid app", () => {
    const app = new App({ outdir });
    const s = new TerraformStack(app, "dev");
    const h = new DockerHost(s, "h", { address: "10.0.0.1" });
    const c = new RocketMqCluster(s, "rmq");
    new NameServer(c, "ns", { host: h });
    new BrokerPair(c, "a", { replication: Replication.SYNC, master: { host: h }, slaves: [{ host: h }] });
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stderr, "write")
      .mockImplementation((chunk: any) => (written.push(String(chunk)), true));
    try {
      RocketMqApp.synth(app, { printWarnings: true });
    } finally {
      spy.mockRestore();
    }
    expect(written.join("")).toContain("Warning: [dev/rmq/a] [placement/same-host]");
    expect(fs.existsSync(path.join(outdir, "stacks/dev/cdk.tf.json"))).toBe(true);
  });

  test("plain app.synth() reports a refused prop as a validation error, not an error from resolving the output", () => {
    const app = new App({ outdir });
    const s = new TerraformStack(app, "dev");
    const h = new DockerHost(s, "h", { address: "10.0.0.1" });
    const c = new RocketMqCluster(s, "rmq");
    new NameServer(c, "ns", { host: { address: "10.0.0.1" } as any }); // not a host: nothing is placed
    new BrokerPair(c, "a", { master: { host: h } }); // starts after the name server
    expect(() => app.synth()).toThrow(/\[dev\/rmq\/ns\] \[props\/type\] host is an object, not a DockerHost/);
  });

  test("a program with errors prints each once, with no stack trace, exits 1 and writes nothing", () => {
    const program = path.join(__dirname, `.errors-program-${process.pid}.ts`);
    fs.writeFileSync(
      program,
      [
        'import { App, TerraformStack } from "cdktf";',
        'import { BrokerPair, DockerHost, NameServer, Replication, RocketMqApp, RocketMqCluster } from "../../lib";',
        "const app = new App();",
        'const s = new TerraformStack(app, "one");',
        'const h = new DockerHost(s, "h", { address: "10.0.0.1" });',
        'const c = new RocketMqCluster(s, "rmq");',
        'new NameServer(c, "ns", { host: h });',
        'new BrokerPair(c, "a", { replication: Replication.SYNC, master: { host: h } });',
        'new BrokerPair(c, "b", { master: { host: h, listenPort: 10912 } });',
        "RocketMqApp.synth(app);",
      ].join("\n"),
    );
    try {
      const r = spawnSync("npx", ["ts-node", "--transpile-only", program], {
        encoding: "utf8",
        env: { ...process.env, CDKTF_OUTDIR: outdir },
        timeout: 120_000,
      });
      const lines = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.trim() !== "");
      expect(r.status).toBe(1);
      expect(lines.filter((l) => l.includes("[ids/sync-needs-slave]"))).toHaveLength(1);
      expect(lines.filter((l) => l.includes("[ports/collision]"))).toHaveLength(1);
      // No stack trace, nothing but the problems and cdktf's two lines around them.
      expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
      expect(lines.length).toBeLessThanOrEqual(4);
      expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(false);
    } finally {
      fs.rmSync(program, { force: true });
    }
  });

  test("skipValidation is honoured", () => {
    const app = new App({ outdir, skipValidation: true });
    const s = new TerraformStack(app, "dev");
    const h = new DockerHost(s, "h", { address: "10.0.0.1" });
    const c = new RocketMqCluster(s, "rmq");
    new BrokerPair(c, "a", { master: { host: h } }); // no name server: an error, not checked
    expect(() => RocketMqApp.synth(app, { printWarnings: false })).not.toThrow();
  });
});
