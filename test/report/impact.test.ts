import { container } from "@cdktf/provider-docker";
import { TerraformResource, TerraformStack, Testing } from "cdktf";
import { stackChanges } from "../../lib/cli";
import {
  BrokerPair,
  DLedgerGroup,
  DockerHost,
  NameServer,
  VmHost,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
} from "../../lib";
import { changeImpact, renderImpact } from "../../lib/report/impact";
import { dockerStackChanges } from "../../lib/targets/docker/changes";
import { SeedDLedgerStack, SeedSyncStack } from "../../examples/seed";

function synthJson(build: (s: TerraformStack) => void): any {
  const stack = new TerraformStack(Testing.app(), "stack");
  build(stack);
  return JSON.parse(Testing.synth(stack, true));
}

/** 2m-2s sync as the seed, with knobs for the changes under test. */
function sync(
  o: {
    namesrvs?: number;
    masterProps?: Record<string, string>;
    slaveListenPort?: number;
    image?: string;
    heap?: number;
    memoryOnly?: boolean;
  } = {},
) {
  return synthJson((s) => {
    const hosts = [28, 29, 30].map((n) => new DockerHost(s, `h${n}`, { address: `10.0.0.${n}` }));
    const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8, image: o.image });
    for (let i = 0; i < (o.namesrvs ?? 2); i++) new NameServer(cluster, `ns${28 + i}`, { host: hosts[i] });
    new BrokerPair(cluster, "broker-a", {
      replication: Replication.SYNC,
      master: { host: hosts[0], properties: o.masterProps, jvm: o.heap ? { heapMb: o.heap } : undefined },
      slaves: [{ host: hosts[1], listenPort: o.slaveListenPort ?? 11911 }],
    });
    new BrokerPair(cluster, "broker-b", {
      replication: Replication.SYNC,
      master: { host: hosts[1] },
      slaves: [{ host: hosts[0], listenPort: 11911 }],
    });
  });
}

describe("change impact", () => {
  test("one key changed: only that broker restarts, and the reason names the key", () => {
    const impact = changeImpact("s", dockerStackChanges(sync(), sync({ masterProps: { fileReservedTime: "120" } })));
    expect(impact.restarted.map((r) => r.name)).toEqual(["defaultcluster-broker-a-0"]);
    expect(impact.restarted[0].reasons).toEqual(["broker.properties fileReservedTime: (unset) -> 120"]);
    expect(impact.groups.find((g) => g.group === "master/slave set broker-a")!.keepsQuorum).toBe(false); // its master restarts: writes pause
  });

  test("a port moved: the slave restarts with its ports and listenPort named", () => {
    const impact = changeImpact("s", dockerStackChanges(sync(), sync({ slaveListenPort: 12911 })));
    expect(impact.restarted.map((r) => r.name)).toEqual(["defaultcluster-broker-a-1"]);
    expect(impact.restarted[0].reasons).toEqual(
      expect.arrayContaining([
        "broker.properties listenPort: 11911 -> 12911",
        "ports: 11909, 11911, 11912 -> 12909, 12911, 12912",
      ]),
    );
    expect(impact.groups.every((g) => g.keepsQuorum)).toBe(true);
    expect(impact.waves).toEqual([]);
  });

  test("a name server added: every broker restarts, the report says so and how to roll out in waves", () => {
    const impact = changeImpact("s", dockerStackChanges(sync(), sync({ namesrvs: 3 })));
    expect(impact.started.map((r) => r.name)).toEqual(["defaultcluster-namesrv-ns30"]);
    expect(impact.restarted.map((r) => r.name).sort()).toEqual([
      "defaultcluster-broker-a-0",
      "defaultcluster-broker-a-1",
      "defaultcluster-broker-b-0",
      "defaultcluster-broker-b-1",
    ]);
    expect(impact.namesrvAddr).toEqual({
      before: "10.0.0.28:9876;10.0.0.29:9876",
      after: "10.0.0.28:9876;10.0.0.29:9876;10.0.0.30:9876",
    });
    // slaves first, then masters one at a time: never a set without its master and its slave at once, and never
    // every master at once (the other set keeps taking writes)
    expect(impact.waves).toEqual([
      ["defaultcluster-namesrv-ns30"],
      ["defaultcluster-broker-a-1", "defaultcluster-broker-b-1"],
      ["defaultcluster-broker-a-0"],
      ["defaultcluster-broker-b-0"],
    ]);
    const text = renderImpact([impact]);
    expect(text).toContain(
      "**The name servers change**: every broker's namesrvAddr goes from `10.0.0.28:9876;10.0.0.29:9876` to `10.0.0.28:9876;10.0.0.29:9876;10.0.0.30:9876`",
    );
    expect(text).toContain("### Roll it out safely");
    expect(text).toContain("1. `defaultcluster-namesrv-ns30` (`-target=docker_container.rmq_ns30_container_");
    expect(text).toContain("A new name server starts first");
  });

  test("an image bumped: every process restarts and no group keeps working if all restart at once", () => {
    const impact = changeImpact(
      "s",
      dockerStackChanges(sync(), sync({ image: "registry.example.com/rocketmq:4.9.8-1" })),
    );
    expect(impact.restarted).toHaveLength(6);
    expect(impact.restarted[0].reasons).toContain(
      "image: apache/rocketmq:4.9.8 -> registry.example.com/rocketmq:4.9.8-1",
    );
    expect(impact.waves.slice(0, 2)).toEqual([["defaultcluster-namesrv-ns28"], ["defaultcluster-namesrv-ns29"]]);
  });

  test("a heap change restarts (JVM options) and names the environment variables", () => {
    const impact = changeImpact("s", dockerStackChanges(sync(), sync({ heap: 768 })));
    expect(impact.restarted.map((r) => r.name)).toEqual(["defaultcluster-broker-a-0"]);
    expect(impact.restarted[0].reasons).toEqual(
      expect.arrayContaining([
        "env HEAP_OPTS: -Xms1024m -Xmx1024m -XX:MaxDirectMemorySize=1024m -> -Xms768m -Xmx768m -XX:MaxDirectMemorySize=1024m",
        "memory: 2304 -> 2048",
      ]),
    );
  });

  test("a DLedger member replaced by another host: the group keeps its majority when one of three restarts", () => {
    const dledger = (third: number) =>
      synthJson((s) => {
        const hosts = [28, 29, 30, 31].map((n) => new DockerHost(s, `h${n}`, { address: `10.0.0.${n}` }));
        const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
        new NameServer(cluster, "ns", { host: hosts[0] });
        new DLedgerGroup(cluster, "broker-c", {
          peers: [{ host: hosts[0] }, { host: hosts[1] }, { host: hosts[third - 28] }],
        });
      });
    const impact = changeImpact("s", dockerStackChanges(dledger(30), dledger(31)));
    // n2 moves to another engine: a new container there, the old one removed; n0 and n1 restart (dLegerPeers changed)
    expect(impact.started.map((r) => r.key)).toEqual(["h31/defaultcluster-broker-c-n2"]);
    expect(impact.stopped.map((r) => r.key)).toEqual(["h30/defaultcluster-broker-c-n2"]);
    expect(impact.restarted.map((r) => r.name).sort()).toEqual([
      "defaultcluster-broker-c-n0",
      "defaultcluster-broker-c-n1",
    ]);
    expect(impact.restarted[0].reasons).toContain(
      "broker.properties dLegerPeers: n0-10.0.0.28:40911;n1-10.0.0.29:40912;n2-10.0.0.30:40913 -> n0-10.0.0.28:40911;n1-10.0.0.29:40912;n2-10.0.0.31:40913",
    );
    const g = impact.groups.find((x) => x.group === "DLedger group broker-c")!;
    expect([g.members.length, g.restarted.length, g.needed, g.keepsQuorum]).toEqual([3, 2, 2, false]);
    expect(impact.waves).toEqual([["defaultcluster-broker-c-n0"], ["defaultcluster-broker-c-n1"]]);
  });

  test("memory only: updated in place, nothing restarts", () => {
    const before = sync();
    const after = JSON.parse(JSON.stringify(before));
    const c = Object.values<any>(after.resource.docker_container).find((x) => x.name === "defaultcluster-broker-a-0");
    c.memory = 4096;
    c.memory_swap = 4096;
    c.depends_on = [];
    const impact = changeImpact("s", dockerStackChanges(before, after));
    expect(impact.restarted).toEqual([]);
    expect(impact.updatedInPlace.map((r) => [r.name, r.reasons])).toEqual([
      ["defaultcluster-broker-a-0", ["memory: 2304 -> 4096", "memory_swap: 2304 -> 4096"]],
    ]);
  });

  test("no change: nothing restarts", () => {
    const a = JSON.parse(Testing.synth(new SeedDLedgerStack(Testing.app(), "x"), true));
    expect(renderImpact([changeImpact("seed-dledger", dockerStackChanges(a, a))])).toContain(
      "No RocketMQ process restarts, starts or stops.",
    );
  });

  test("a store volume renamed or removed is reported as data lost", () => {
    const a = JSON.parse(Testing.synth(new SeedSyncStack(Testing.app(), "x"), true));
    const b = JSON.parse(JSON.stringify(a));
    const v = Object.values<any>(b.resource.docker_volume).find((x) => x.name.endsWith("-store"));
    const old = v.name;
    v.name = `${old}-2`;
    const impact = changeImpact("s", dockerStackChanges(a, b));
    expect(impact.storesLost).toEqual([`h28/${old}`]);
    expect(impact.restarted.map((r) => r.reasons.join())).toEqual([expect.stringContaining(`volume_name":"${old}-2"`)]);
  });

  test("a logs volume removed with its process is not data lost", () => {
    const a = JSON.parse(Testing.synth(new SeedSyncStack(Testing.app(), "x"), true));
    const b = JSON.parse(JSON.stringify(a));
    const [id] = Object.entries<any>(b.resource.docker_volume).find(([, x]) => x.name.endsWith("-logs"))!;
    delete b.resource.docker_volume[id];
    expect(changeImpact("s", dockerStackChanges(a, b)).storesLost).toEqual([]);
  });
});

describe("what a change costs whatever the order of its restarts", () => {
  /** One master at a fixed container name, with its store and brokerName under test. */
  const one = (o: { brokerName?: string; volume?: string; hostPath?: string }) =>
    synthJson((s) => {
      const h = new DockerHost(s, "h", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns", { host: h });
      new BrokerPair(cluster, "orders", {
        brokerName: o.brokerName ?? "broker-a",
        master: {
          host: h,
          containerName: "orders-master",
          ...(o.volume ? { store: { volume: o.volume } } : o.hostPath ? { store: { hostPath: o.hostPath } } : {}),
        },
      });
    });

  test("a broker whose store moves starts empty there: said, with how to avoid it", () => {
    const impact = changeImpact(
      "s",
      dockerStackChanges(one({ volume: "orders-a" }), one({ hostPath: "/data/rocketmq/orders" })),
    );
    expect(impact.costs).toEqual([
      "`orders-master` keeps its store in host directory /data/rocketmq/orders instead of volume orders-a: it starts there empty, and its commit log, consume queues and consumer offsets (a master's: the messages not yet consumed) stay behind. Copy the store to the new place while the broker is stopped, or keep the store where it is.",
    ]);
    expect(renderImpact([impact])).toContain("### What it costs: no order of restarts avoids it");
  });

  test("a broker that changes brokerName strands what its old set had not delivered: said", () => {
    const impact = changeImpact("s", dockerStackChanges(one({}), one({ brokerName: "broker-x" })));
    expect(impact.costs).toHaveLength(1);
    expect(impact.costs[0]).toMatch(/^`orders-master` changes brokerName from broker-a to broker-x: /);
  });

  test("a DLedger group that loses more than a minority in one change is said to lose its majority", () => {
    const group = (n: number) =>
      synthJson((s) => {
        const hosts = Array.from({ length: 7 }, (_, i) => new DockerHost(s, `h${i}`, { address: `10.0.0.${i + 1}` }));
        const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
        new NameServer(cluster, "ns", { host: hosts[0] });
        new DLedgerGroup(cluster, "broker-c", { peers: hosts.slice(0, n).map((host) => ({ host })) });
      });
    const impact = changeImpact("s", dockerStackChanges(group(7), group(3)));
    expect(impact.costs).toEqual([
      "DLedger group broker-c goes from 7 members to 3 in one change: 4 stop at once, more than the 3 it can lose, so it has no majority and elects no master until the change is done. Remove at most 3 per change, each after the others run with the smaller peer list.",
    ]);
    expect(changeImpact("s", dockerStackChanges(group(7), group(5))).costs).toEqual([]);
  });

  test("an ordinary change costs nothing beyond its restarts", () => {
    expect(
      changeImpact("s", dockerStackChanges(sync(), sync({ masterProps: { fileReservedTime: "120" } }))).costs,
    ).toEqual([]);
  });
});

describe("the user's own containers of the stack", () => {
  const withClient = (nameServers: number) =>
    synthJson((s) => {
      const hosts = [1, 2].map(
        (i) => new DockerHost(s, `h${i}`, { address: `10.0.0.${i}`, dockerHost: `tcp://10.0.0.${i}:2376` }),
      );
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      for (let i = 0; i < nameServers; i++) new NameServer(cluster, `ns${i + 1}`, { host: hosts[i] });
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[0] } });
      new container.Container(s, "orders-service", {
        provider: hosts[1].provider,
        name: "orders-service",
        image: "orders:1.0",
        env: [`NAMESRV_ADDR=${cluster.namesrvAddr}`],
      });
    });

  test("a client container that reads the cluster's namesrvAddr is listed when the name servers change", () => {
    const impact = changeImpact("s", dockerStackChanges(withClient(1), withClient(2)));
    expect(impact.others).toEqual([
      {
        name: "orders-service",
        address: "docker_container.orders-service",
        reasons: ["env NAMESRV_ADDR: 10.0.0.1:9876 -> 10.0.0.1:9876;10.0.0.2:9876"],
      },
    ]);
    expect(renderImpact([impact])).toContain(
      "### Your own resources that change too (1)\n\n- `orders-service` (`docker_container.orders-service`): env NAMESRV_ADDR: 10.0.0.1:9876 -> 10.0.0.1:9876;10.0.0.2:9876",
    );
  });

  test("a change that does not touch them leaves them out", () => {
    expect(changeImpact("s", dockerStackChanges(withClient(2), withClient(2))).others).toEqual([]);
  });

  /** The cluster on VMs, and the user's own VM of another provider whose user-data hands the list to an application. */
  const withOwnVm = (nameServers: number, vmName = "orders-vm") =>
    synthJson((s) => {
      const vms = [1, 2].map((i) => new VmHost(s, `vm${i}`, { address: `10.0.0.${i}` }));
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      for (let i = 0; i < nameServers; i++) new NameServer(cluster, `ns${i + 1}`, { host: vms[i] });
      new BrokerPair(cluster, "broker-a", { master: { host: vms[0] } });
      const own = new TerraformResource(s, "orders_vm", { terraformResourceType: "aws_instance" });
      own.addOverride("tags", { Name: vmName });
      own.addOverride("user_data", `#!/bin/sh\necho "NAMESRV_ADDR=${cluster.namesrvAddr}" > /etc/orders.env\n`);
      own.addOverride("instance_type", "t3.small");
    });

  test("the user's own VM of any provider whose user-data holds the name server list is listed when the list changes", () => {
    const impact = changeImpact("s", stackChanges(withOwnVm(1), withOwnVm(2)));
    expect(impact.others).toEqual([
      {
        name: "orders-vm",
        address: "aws_instance.orders_vm",
        reasons: [
          "its `user_data` holds the name server list (10.0.0.1:9876 -> 10.0.0.1:9876;10.0.0.2:9876): a VM reads its user-data at first boot only, so most providers replace the VM to apply it (the plan says); its application reads the new list once it starts again",
        ],
      },
    ]);
    expect(renderImpact([impact])).toContain(
      "### Your own resources that change too (1)\n\n- `orders-vm` (`aws_instance.orders_vm`)",
    );
    // Not listed: the same list, or a change of its own that has nothing to do with the cluster.
    expect(changeImpact("s", stackChanges(withOwnVm(2), withOwnVm(2))).others).toEqual([]);
    expect(changeImpact("s", stackChanges(withOwnVm(2), withOwnVm(2, "orders-vm-2"))).others).toEqual([]);
  });
});
