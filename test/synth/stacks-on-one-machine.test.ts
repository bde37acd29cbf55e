import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { BrokerPair, DockerHost, NameServer, Replication, RocketMqApp, RocketMqCluster, VmHost } from "../../lib";

/** Two stacks of one app, each a cluster with one name server and a SYNC pair on the host `hostProps` makes. */
function twoStacks(
  outdir: string,
  second: { address: string; dockerHost?: string; clusterName?: string; portOffset?: number },
): App {
  const app = new App({ outdir });
  for (const [id, address, dockerHost, clusterName] of [
    ["orders", "10.0.0.1", undefined, "OrdersCluster"],
    ["payments", second.address, second.dockerHost, second.clusterName ?? "PaymentsCluster"],
  ] as const) {
    const stack = new TerraformStack(app, id);
    const h = new DockerHost(stack, "host", { address, ...(dockerHost ? { dockerHost } : {}) });
    const c = new RocketMqCluster(stack, "rmq", {
      clusterName,
      ...(id === "payments" && second.portOffset !== undefined ? { portOffset: second.portOffset } : {}),
    });
    new NameServer(c, "ns", { host: h });
    new BrokerPair(c, "a", { replication: Replication.SYNC, master: { host: h }, slaves: [{ host: h }] });
  }
  return app;
}

function errorsOf(app: App): string {
  try {
    RocketMqApp.synth(app, { printWarnings: false, throwOnError: true });
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

describe("per-machine rules see every stack of the app", () => {
  let outdir: string;
  beforeEach(() => (outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-stacks-"))));
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test("two stacks that place a name server and brokers on one address: the ports collide, reported once, in the later stack", () => {
    const message = errorsOf(twoStacks(outdir, { address: "10.0.0.1" }));
    expect(message).toMatch(
      /\[payments\/rmq\/ns\] \[ports\/collision\] name server ns of cluster PaymentsCluster \(payments\/rmq\/ns\) listenPort 9876 collides with name server ns of cluster OrdersCluster \(orders\/rmq\/ns\) listenPort 9876/,
    );
    expect(message).toMatch(/\[payments\/rmq\/a\/master\] \[ports\/collision\][^\n]*10911/);
    expect(message).not.toMatch(/\[orders\//);
    // each collision once
    const lines = message.split("\n").filter((l) => l.includes("[ports/collision]"));
    expect(new Set(lines).size).toBe(lines.length);
  });

  test("one Docker engine behind two addresses is one machine across stacks too", () => {
    const message = errorsOf(
      twoStacks(outdir, { address: "10.0.0.2", dockerHost: "tcp://10.0.0.1:2376", clusterName: "OrdersCluster" }),
    );
    expect(message).toContain("[payments/rmq/ns] [ports/collision]");
  });

  test("the fix of a cross-stack collision, followed, synthesizes both stacks", () => {
    const app = new App({ outdir });
    const orders = new TerraformStack(app, "orders");
    const h1 = new DockerHost(orders, "host", { address: "10.0.0.1" });
    const c1 = new RocketMqCluster(orders, "rmq", { clusterName: "OrdersCluster" });
    new NameServer(c1, "ns", { host: h1 });
    const payments = new TerraformStack(app, "payments");
    const h2 = new DockerHost(payments, "host", { address: "10.0.0.1" });
    const c2 = new RocketMqCluster(payments, "rmq", { clusterName: "PaymentsCluster" });
    new NameServer(c2, "ns", { host: h2, listenPort: 9976 });
    expect(errorsOf(app)).toBe("");
  });

  test("the second stack's cluster with portOffset: 100 shares the machine: one setting, both stacks synthesize", () => {
    expect(errorsOf(twoStacks(outdir, { address: "10.0.0.1", portOffset: 100 }))).toBe("");
  });

  test("stacks on different machines are independent, whatever they share by name", () => {
    expect(errorsOf(twoStacks(outdir, { address: "10.0.0.2", clusterName: "OrdersCluster" }))).toBe("");
  });

  test("two VM stacks on one machine with one clusterName: the processes' names (units, folders) collide", () => {
    const app = new App({ outdir });
    for (const id of ["blue", "green"]) {
      const stack = new TerraformStack(app, id);
      const vm = new VmHost(stack, "vm", { address: "10.0.0.9" });
      // one clusterName: the processes' default names, and so their directories on the VM, are the same
      const c = new RocketMqCluster(stack, "rmq", { clusterName: "DefaultCluster" });
      new NameServer(c, "ns", { host: vm, listenPort: id === "blue" ? 9876 : 9976 });
    }
    const message = errorsOf(app);
    expect(message).toContain(
      "[green/rmq] [stores/container-name] Clusters blue/rmq and green/rmq are both named DefaultCluster and place processes on one host, where their default container names collide (defaultcluster-namesrv-ns): one machine cannot run two RocketMQ processes with one name (a VM names each process's service and folders after it).",
    );
    expect(message).not.toContain("Docker engine");
  });
});

describe("RocketMqApp.deployedAlone", () => {
  let outdir: string;
  beforeEach(() => (outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-alone-"))));
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test("a stack deployed alone (an alternative) may take the machine the other stacks take", () => {
    const app = twoStacks(outdir, { address: "10.0.0.1" });
    RocketMqApp.deployedAlone(app.node.findChild("payments") as TerraformStack);
    expect(errorsOf(app)).toBe("");
  });

  test("the other stacks are still compared with each other", () => {
    const app = twoStacks(outdir, { address: "10.0.0.1" });
    const third = new TerraformStack(app, "audit");
    const h = new DockerHost(third, "host", { address: "10.0.0.1" });
    new NameServer(new RocketMqCluster(third, "rmq", { clusterName: "AuditCluster" }), "ns", { host: h });
    RocketMqApp.deployedAlone(app.node.findChild("payments") as TerraformStack);
    const message = errorsOf(app);
    expect(message).toContain("[orders/rmq/ns] [ports/collision]");
    expect(message).toContain("(audit/rmq/ns) listenPort 9876");
    expect(message).not.toContain("payments");
  });

  test("given something that is not a stack (from JavaScript), it says what to pass", () => {
    expect(() => RocketMqApp.deployedAlone({} as TerraformStack)).toThrow(
      "RocketMqApp.deployedAlone: an object is not a TerraformStack. Pass the stack, e.g. RocketMqApp.deployedAlone(myStack)",
    );
  });
});
