import { Testing } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import {
  BrokerPair,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
  topologyOf,
} from "../../lib";
import {
  DevStack,
  SeedControllerStack,
  SeedDLedgerStack,
  SeedDLedgerVmStack,
  SeedSyncStack,
} from "../../examples/seed";

describe("the topology report", () => {
  const sync = topologyOf(new SeedSyncStack(Testing.app(), "seed-2m-2s-sync"));

  test("has a table per host with every process, its role, identity, derived ports, store and memory", () => {
    expect(sync).toContain("### Host h28 (172.17.160.28)");
    expect(sync).toContain(
      "| broker-a/master | broker SYNC_MASTER | broker-a, brokerId 0 | 10909 fast channel (listenPort-2), 10911 listenPort, 10912 haListenPort (listenPort+1) | volume `defaultcluster-broker-a-0-store` at /home/rocketmq/store (protected) | 1280 MiB (heap 512, direct 512) |",
    );
    expect(sync).toContain(
      "| broker-b/slave-1 | broker SLAVE | broker-b, brokerId 1 | 11909 fast channel (listenPort-2), 11911 listenPort, 11912 haListenPort (listenPort+1) | host directory `/data/rocketmq/broker-b-s` at /home/rocketmq/store |",
    );
    expect(sync).toContain("namesrvAddr `172.17.160.28:9876;172.17.160.29:9876`");
  });

  test("draws hosts as boxes and master to slave replication", () => {
    expect(sync).toContain('subgraph h_h28["h28 (172.17.160.28)"]');
    expect(sync).toContain('p_broker_a_master -->|"broker-a SYNC"| p_broker_a_slave_1');
  });

  test("a property change that restarts the brokers shows in the report: every process's effective configuration", () => {
    const report = (fileReservedTime: number) => {
      const stack = new TerraformStack(Testing.app(), "s");
      const h = new DockerHost(stack, "h", { address: "10.0.0.1" });
      const c = new RocketMqCluster(stack, "rmq", { brokerProperties: { fileReservedTime } });
      new NameServer(c, "ns", { host: h });
      new BrokerPair(c, "broker-a", { master: { host: h } });
      return topologyOf(stack);
    };
    const before = report(48).split("\n");
    const after = report(72).split("\n");
    expect(before.filter((l) => !after.includes(l))).toEqual(["fileReservedTime=48"]);
    expect(after.filter((l) => !before.includes(l))).toEqual(["fileReservedTime=72"]);
    expect(after).toContain(
      "<details><summary><code>broker-a/master</code>: broker.properties, environment, command</summary>",
    );
  });

  test("a value with backticks cannot close its code block early", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const h = new DockerHost(stack, "h", { address: "10.0.0.1" });
    const c = new RocketMqCluster(stack, "rmq", {
      brokerProperties: { brokerPermission: 6, msgTraceTopicName: "a```b" },
    });
    new NameServer(c, "ns", { host: h });
    new BrokerPair(c, "broker-a", { master: { host: h } });
    const md = topologyOf(stack);
    const i = md.indexOf("msgTraceTopicName=a```b");
    expect(i).toBeGreaterThan(0);
    const fence = md.slice(md.lastIndexOf("\n", md.lastIndexOf("`/home/rocketmq/conf/broker.properties`", i)), i);
    expect(fence).toContain("\n````\n");
  });

  test("a process added to the cluster changes only its own lines of the diagram: node ids come from construct paths", () => {
    const diagramOf = (withThird: boolean) => {
      const stack = new TerraformStack(Testing.app(), "s");
      const h = [1, 2].map(
        (i) => new DockerHost(stack, `h${i}`, { address: `10.0.0.${i}`, dockerHost: `tcp://10.0.0.${i}:2376` }),
      );
      const c = new RocketMqCluster(stack, "rmq");
      if (withThird) new NameServer(c, "a-first", { host: h[1] });
      new NameServer(c, "ns", { host: h[0] });
      new BrokerPair(c, "broker-a", {
        replication: Replication.SYNC,
        master: { host: h[0] },
        slaves: [{ host: h[1] }],
      });
      const md = topologyOf(stack);
      return md.slice(md.indexOf("```mermaid"), md.indexOf("```", md.indexOf("```mermaid") + 3)).split("\n");
    };
    const before = diagramOf(false);
    const after = diagramOf(true);
    const removed = before.filter((l) => !after.includes(l));
    const added = after.filter((l) => !before.includes(l));
    expect(removed).toEqual([]);
    expect(added.every((l) => l.includes("p_a_first"))).toBe(true);
    expect(added.length).toBeGreaterThan(0);
  });

  test("draws raft groups and controllers, and names their majority", () => {
    const raft = topologyOf(new SeedDLedgerStack(Testing.app(), "seed-dledger"));
    expect(raft).toContain("DLedger raft group broker-c (3 peers, majority 2)");
    expect(raft.match(/-\.-\|"raft broker-c"\|/g)).toHaveLength(3);
    const ctl = topologyOf(new SeedControllerStack(Testing.app(), "seed-5x-controller"));
    expect(ctl).toContain("controllers (raft, 3, majority 2), in the name servers");
    expect(ctl).toContain("| ns41 | name server + controller |");
    expect(ctl.match(/controller raft controllers/g)).toHaveLength(3);
    expect(ctl).toContain("proxy (cluster mode)");
  });

  test("is written beside each stack's cdk.tf.json at synth, identical to topologyOf", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-topology-"));
    try {
      const app = new App({ outdir });
      const stack = new SeedSyncStack(app, "seed-2m-2s-sync");
      app.synth();
      expect(fs.readFileSync(path.join(outdir, "stacks", "seed-2m-2s-sync", "topology.md"), "utf8")).toBe(
        topologyOf(stack),
      );
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("what a reviewer should know", () => {
  test("a single name server is named, with what it risks", () => {
    expect(topologyOf(new DevStack(Testing.app(), "dev"))).toContain(
      "- **one name server** in cluster DevCluster (`dev/rmq/ns` at 127.0.0.1:9876): while it is down or restarting, no client finds a broker and no broker registers.",
    );
    expect(topologyOf(new SeedSyncStack(Testing.app(), "s"))).not.toContain("one name server");
  });

  test("the rules' warnings appear: master and slave on one host, an even raft group, DLedger on a version that deprecates it", () => {
    const stack = new TerraformStack(Testing.app(), "w");
    const hosts = [1, 2, 3, 4].map((n) => new DockerHost(stack, `h${n}`, { address: `10.0.0.${n}` }));
    const cluster = new RocketMqCluster(stack, "rmq", { version: RocketMqVersion.of("5.5.1") });
    new NameServer(cluster, "ns1", { host: hosts[0] });
    new NameServer(cluster, "ns2", { host: hosts[1] });
    new BrokerPair(cluster, "broker-a", {
      master: { host: hosts[0] },
      slaves: [{ host: hosts[0], listenPort: 11911 }],
    });
    new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host: any) => ({ host, listenPort: 20911 })) });
    const report = topologyOf(stack);
    for (const rule of ["placement/same-host", "dledger/even", "dledger/deprecated"])
      expect(report).toContain(`- **${rule}** at \``);
  });
});

test("on VMs the report shows each process's directory and JVM flags, and no container image or limit", () => {
  const report = topologyOf(new SeedDLedgerVmStack(Testing.app(), "seed-dledger-vm"));
  expect(report).toContain("RocketMQ 4.9.8, runs as 3000:3000.");
  expect(report).not.toContain("image `");
  expect(report).toMatch(
    /\| broker-c\/n0 \| broker \(DLedger peer\) \| broker-c, dLegerSelfId n0 \| .* \| directory `\/var\/lib\/rocketmq\/raftcluster-broker-c-n0` \| heap 512, direct 512 MiB \(no limit on a VM\) \|/,
  );
});
