import * as fs from "fs";
import * as os from "os";
import { TerraformStack, Testing } from "cdktf";
import * as path from "path";
import { SeedSyncStack } from "../examples/seed";
import { DockerHost, NameServer, topologyOf } from "../lib";
import { changeImpact, renderImpact } from "../lib/report/impact";
import { dockerStackChanges } from "../lib/targets/docker/changes";
import { containers } from "./helpers";

test("the README's example synthesizes a working stack", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1];
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-readme-"));
  const file = path.join(__dirname, "readme-example.generated.ts");
  fs.writeFileSync(file, code.replace("new App()", `new App({ outdir: ${JSON.stringify(outdir)} })`));
  try {
    // Runs the example, whose top-level code synthesizes, in a fresh module registry.
    jest.isolateModules(() => jest.requireActual(file));
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks/prod/cdk.tf.json"), "utf8"));
    const names = Object.keys(containers(json)).sort();
    expect(names).toEqual([
      "defaultcluster-broker-a-0",
      "defaultcluster-broker-a-1",
      "defaultcluster-broker-b-0",
      "defaultcluster-broker-b-1",
      "defaultcluster-broker-c-n0",
      "defaultcluster-broker-c-n1",
      "defaultcluster-broker-c-n2",
      "defaultcluster-namesrv-ns28",
      "defaultcluster-namesrv-ns29",
    ]);
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test("the README's secured example synthesizes: access control 2.0 and TLS enforcing, no secret in the output", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
  const code = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)][1][1];
  expect(code).toContain('new TerraformStack(app, "secured")');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-readme-"));
  const file = path.join(__dirname, "readme-secured.generated.ts");
  fs.writeFileSync(
    file,
    code
      .replace("new App()", `new App({ outdir: ${JSON.stringify(outdir)} })`)
      .replace(/from "rocketmq-cdktf"/, 'from "../lib"'),
  );
  try {
    jest.isolateModules(() => jest.requireActual(file));
    const text = fs.readFileSync(path.join(outdir, "stacks/secured/cdk.tf.json"), "utf8");
    const json = JSON.parse(text);
    expect(Object.keys(json.variable).sort()).toEqual([
      "adminSecret",
      "ordersSecret",
      "tlsCa",
      "tlsCertificate",
      "tlsPrivateKey",
    ]);
    for (const v of ["adminSecret", "ordersSecret", "tlsPrivateKey"]) expect(json.variable[v].sensitive).toBe(true);
    const servers = Object.values<any>(containers(json)).filter((c) => !c.name.endsWith("-console"));
    expect(servers.map((c) => c.name).sort()).toEqual([
      "securedcluster-broker-a-0",
      "securedcluster-broker-a-1",
      "securedcluster-namesrv-ns61",
      "securedcluster-namesrv-ns62",
      "securedcluster-proxy-proxy",
    ]);
    for (const c of servers) expect(c.env.join(" ")).toContain("-Dtls.server.mode=enforcing");
    const broker = containers(json)["securedcluster-broker-a-0"];
    const props = String(broker.upload.find((u: any) => u.file.endsWith("broker.properties")).content);
    expect(props).toContain("authenticationEnabled=true");
    expect(props).toContain("authorizationEnabled=true");
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

describe("the README's rendered review examples are what the library prints today", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
  const block = (name: string) =>
    new RegExp(`<!-- ${name}:begin -->\\n([\\s\\S]*?)<!-- ${name}:end -->`).exec(readme)![1];

  test("the topology report of seed-2m-2s-sync", () => {
    expect(block("topology:seed-2m-2s-sync")).toBe(topologyOf(new SeedSyncStack(Testing.app(), "seed-2m-2s-sync")));
  });

  test("the change impact of adding a third name server", () => {
    const before = new SeedSyncStack(Testing.app(), "seed-2m-2s-sync");
    const after = new SeedSyncStack(Testing.app(), "seed-2m-2s-sync");
    const h30 = new DockerHost(after, "h30", { address: "172.17.160.30", dockerHost: "ssh://ops@172.17.160.30" });
    new NameServer(after.node.findChild("rmq"), "ns30", { host: h30 });
    const impact = changeImpact(
      "seed-2m-2s-sync",
      dockerStackChanges(JSON.parse(Testing.synth(before)), JSON.parse(Testing.synth(after))),
    );
    expect(block("impact:add-namesrv")).toBe(renderImpact([impact]));
  });
});

test("the README's Kubernetes example synthesizes: a StatefulSet, a Service and the files per process", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .find((b) => b.includes("KubernetesHost"))!;
  const file = path.join(__dirname, "readme-kubernetes.generated.ts");
  fs.writeFileSync(
    file,
    [
      'import { TerraformStack, Testing } from "cdktf";',
      'import { DLedgerGroup, KubernetesHost, NameServer, RocketMqCluster, RocketMqVersion } from "../lib";',
      'export const stack = new TerraformStack(Testing.app(), "k8s");',
      block,
    ].join("\n"),
  );
  try {
    let stack!: TerraformStack;
    jest.isolateModules(() => {
      stack = jest.requireActual<{ stack: TerraformStack }>(file).stack;
    });
    const json = JSON.parse(Testing.synth(stack, true));
    const kinds = Object.values<any>(json.resource.kubectl_manifest).map((r) => JSON.parse(r.yaml_body).kind);
    expect(kinds.filter((k) => k === "StatefulSet")).toHaveLength(5);
    expect(kinds.filter((k) => k === "Service")).toHaveLength(5);
    expect(kinds.filter((k) => k === "PodDisruptionBudget")).toHaveLength(2);
  } finally {
    fs.rmSync(file, { force: true });
  }
});
