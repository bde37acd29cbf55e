import { App } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BrokerPair, DLedgerGroup, DockerHost, NameServer, Replication, RocketMqCluster } from "../../lib";
import { buildExamples } from "../../examples/seed";
import { fromTerraformLiteral } from "../../lib/targets/terraform-text";
import { containers, synth } from "../helpers";

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
      "stacks/seed-5x-controller-k8s/cdk.tf.json",
      "stacks/seed-5x-controller/cdk.tf.json",
      "stacks/seed-dledger-k8s/cdk.tf.json",
      "stacks/seed-dledger-secured-5x/cdk.tf.json",
      "stacks/seed-dledger-secured/cdk.tf.json",
      "stacks/seed-dledger-vm/cdk.tf.json",
      "stacks/seed-dledger/cdk.tf.json",
      "stacks/seed-secured-5x/cdk.tf.json",
      "stacks/seed-secured-vm-5x/cdk.tf.json",
      "stacks/seed-secured-vm/cdk.tf.json",
      "stacks/seed-secured/cdk.tf.json",
      "stacks/seed-tls-vm/cdk.tf.json",
      "stacks/seed-tls/cdk.tf.json",
    ]);
  });

  test("is byte-identical across runs, every file (stacks, reports, manifest.json)", () => {
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [f, text] of first) expect([f, second.get(f)]).toEqual([f, text]);
  });

  test("contains no path of the build machine, in any file (manifest.json's warnings carry no stack trace)", () => {
    // Below the temporary folder (the containers' own /tmp, a volume, is the image's, not the build machine's).
    const forbidden = [process.cwd(), `${os.tmpdir()}/`, os.homedir(), path.resolve(__dirname, "..")].filter(
      (p) => p.length > 1,
    );
    for (const [f, text] of first) for (const p of forbidden) expect([f, text.includes(p)]).toEqual([f, false]);
    // the library's warnings are still there for the CLI to print
    expect(first.get("manifest.json")).toContain("[hosts/user-data-size]");
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

/**
 * What a reviewer reads in a pull request, per example stack (the VM stack too): the topology report written beside
 * the stack, and every file the library generates for a process (its properties file, rmq-proxy.json, or a VM's whole
 * cloud-init document), each a snapshot of its own text. The Terraform JSON itself is held by assertions instead.
 */
describe("review snapshots of every example stack", () => {
  const files = synthToDir();
  const stacks = [...files.keys()]
    .filter((f) => f.endsWith("/cdk.tf.json"))
    .map((f) => f.split("/")[1])
    .sort();

  for (const stack of stacks) {
    const json = JSON.parse(files.get(`stacks/${stack}/cdk.tf.json`)!);

    test(`${stack}: topology.md`, () => {
      expect(files.get(`stacks/${stack}/topology.md`)).toMatchSnapshot();
    });

    test(`${stack}: every generated file, by container and path`, () => {
      // By the server that reads them (a server on a read-only root mounts them from its init container).
      const generated = Object.values<any>(containers(json)).flatMap((c) =>
        (c.upload ?? []).map((u: any) => ({ name: `${c.name} ${u.file}`, content: String(u.content) })),
      );
      // On Kubernetes: each ConfigMap's files (the Secrets' are Terraform's, written when it applies them).
      const configMaps = Object.values<any>(json.resource?.kubectl_manifest ?? {})
        .map((r) => JSON.parse(fromTerraformLiteral(String(r.yaml_body))))
        .filter((o) => o.kind === "ConfigMap")
        .flatMap((o) =>
          Object.entries<string>(o.data ?? {}).map(([k, v]) => ({ name: `${o.metadata.name} ${k}`, content: v })),
        );
      const userData = Object.entries<any>(json.output ?? {})
        .filter(([id]) => id.endsWith("_userData"))
        .map(([id, o]) => ({ name: `${id} (cloud-init user-data)`, content: terraformText(String(o.value)) }));
      const all = [...generated, ...configMaps, ...userData].sort((a, b) => (a.name < b.name ? -1 : 1));
      expect(all.length).toBeGreaterThan(0);
      for (const f of all) expect(f.content).toMatchSnapshot(f.name);
    });

    test(`${stack}: the Terraform JSON runs every server as the image's user with no capability on a read-only root, probes its listen port, keeps its store`, () => {
      const containers = Object.values<any>(json.resource?.docker_container ?? {});
      const isInit = (c: any) => /-(store|logs)-init$/.test(String(c.name));
      const servers = containers.filter((c) => !isInit(c));
      for (const c of servers) {
        const labels = Object.fromEntries((c.labels as any[]).map((l) => [l.label, l.value]));
        if (labels["rocketmq.role"] !== "dashboard")
          expect({ name: c.name, user: c.user, readOnly: c.read_only }).toEqual({
            name: c.name,
            user: "3000:3000",
            readOnly: true,
          });
        expect(c.healthcheck.test.join(" ")).toMatch(/\/dev\/tcp\/127\.0\.0\.1\/\d+$/);
        expect(c.restart).toBe("unless-stopped");
        expect({ name: c.name, caps: c.capabilities, opts: c.security_opts }).toEqual({
          name: c.name,
          caps: { drop: ["ALL"] },
          opts: ["no-new-privileges:true"],
        });
      }
      for (const init of containers.filter(isInit)) {
        expect({ name: init.name, caps: init.capabilities, net: init.network_mode }).toEqual({
          name: init.name,
          caps: { add: ["CAP_CHOWN", "CAP_DAC_OVERRIDE"], drop: ["ALL"] },
          net: "none",
        });
      }
      // Stores are kept from destroy; logs volumes (labelled with their container) are not stores.
      for (const v of Object.values<any>(json.resource?.docker_volume ?? {})) {
        const logs = (v.labels ?? []).some((l: any) => l.label === "rocketmq.logsOf");
        expect({ volume: v.name, lifecycle: v.lifecycle }).toEqual({
          volume: v.name,
          lifecycle: logs ? undefined : { prevent_destroy: true },
        });
      }
    });
  }
});

/** A Terraform string as the machine receives it: `$${` and `%%{` are Terraform's escapes of `${` and `%{`. */
function terraformText(value: string): string {
  return value.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}
