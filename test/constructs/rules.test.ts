import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  BrokerPair,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Replication,
  RocketMqCluster,
  VmHost,
  RocketMqVersion,
} from "../../lib";
import { containers, synth, synthError, synthWarnings } from "../helpers";
import { selfIdNumber } from "../../lib/core/rules/dledger";

/** A cluster with a name server on each of the given hosts, for rules tests. */
function base(stack: TerraformStack, addresses = ["10.0.0.1", "10.0.0.2", "10.0.0.3"], version = "4.9.8") {
  const hosts = addresses.map(
    (a, i) => new DockerHost(stack, `h${i + 1}`, { address: a, dockerHost: `ssh://ops@${a}` }),
  );
  const cluster = new RocketMqCluster(stack, "rmq", { version: RocketMqVersion.of(version) });
  new NameServer(cluster, "ns", { host: hosts[0] });
  return { hosts, cluster };
}

describe("ports", () => {
  test("a broker at 10912 beside one at 10911 on one host is rejected: its listenPort is the other's HA port", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1] } });
      new BrokerPair(cluster, "broker-b", { master: { host: hosts[1], listenPort: 10912 } });
    });
    expect(msg).toContain("[stack/rmq/broker-b/master] [ports/collision]");
    expect(msg).toContain(
      "broker-b master listenPort 10912 collides with broker-a master haListenPort (listenPort+1) 10912 on host 10.0.0.2",
    );
    expect(msg).toContain("Address already in use");
    expect(msg).toContain("e.g. listenPort: 11912");
  });

  test("ports are counted as the version opens them: a 5.x broker with duplicationEnable=true opens no HA port, a 4.x one does", () => {
    const build = (version: string) => (s: TerraformStack) => {
      const { hosts, cluster } = base(s, ["10.0.0.1", "10.0.0.2"], version);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], properties: { duplicationEnable: true } } });
      // Its fast channel, 10912, is broker-a's listenPort+1.
      new BrokerPair(cluster, "broker-b", { master: { host: hosts[1], listenPort: 10914 } });
    };
    const json = synth(build("5.5.0"));
    expect(containers(json)["defaultcluster-broker-a-0"].ports.map((p: any) => p.external)).toEqual([10909, 10911]);
    expect(synthError(build("4.9.8"))).toContain(
      "broker-b master fast channel (listenPort-2) 10912 collides with broker-a master haListenPort (listenPort+1) 10912 on host 10.0.0.2",
    );
  });

  test("metricsExporterType=PROM opens metricsPromExporterPort: published, and two exporters on one machine collide", () => {
    const build = (second: number | undefined) => (s: TerraformStack) => {
      const { hosts, cluster } = base(s, ["10.0.0.1", "10.0.0.2"], "5.5.0");
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], properties: { metricsExporterType: "PROM" } } });
      new BrokerPair(cluster, "broker-b", {
        master: {
          host: hosts[1],
          listenPort: 11911,
          properties: { metricsExporterType: "PROM", ...(second ? { metricsPromExporterPort: second } : {}) },
        },
      });
    };
    const msg = synthError(build(undefined));
    expect(msg).toContain(
      "broker-b master metricsPromExporterPort (metricsExporterType=PROM) 5557 collides with broker-a master metricsPromExporterPort (metricsExporterType=PROM) 5557 on host 10.0.0.2",
    );
    const json = synth(build(5558));
    expect(containers(json)["defaultcluster-broker-a-0"].ports.map((p: any) => p.external)).toContain(5557);
    expect(containers(json)["defaultcluster-broker-b-0"].ports.map((p: any) => p.external)).toContain(5558);
  });

  test("every collision fix on a machine names other free ports, and all its colliding props: following them all synthesizes", () => {
    type Ports = { b: number; c: number; cDledger: number };
    const build = (p: Ports) => (s: TerraformStack) => {
      const { hosts, cluster } = base(s, ["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1] } });
      new BrokerPair(cluster, "broker-b", { master: { host: hosts[1], listenPort: p.b } });
      new DLedgerGroup(cluster, "broker-c", {
        peers: [
          { host: hosts[1], listenPort: p.c, dLegerPort: p.cDledger },
          { host: hosts[2] },
          { host: hosts[0], listenPort: 20911 },
        ],
      });
    };
    // broker-b on broker-a's ports; broker-c's first peer on them too, its raft port on broker-b's listen port.
    const msg = synthError(build({ b: 10911, c: 10911, cDledger: 10911 }));
    const fixOf = (path: string) => msg.split("\n").find((l) => l.includes(`[${path}] [ports/collision]`))!;
    const value = (line: string, prop: string) => Number(new RegExp(`e\\.g\\. ${prop}: (\\d+)`).exec(line)![1]);
    const b = fixOf("stack/rmq/broker-b/master");
    const c = fixOf("stack/rmq/broker-c/n0");
    expect(c).toContain("dLegerPort");
    const fixed = { b: value(b, "listenPort"), c: value(c, "listenPort"), cDledger: value(c, "dLegerPort") };
    expect(new Set([fixed.b, fixed.c]).size).toBe(2);
    expect(() => synth(build(fixed))).not.toThrow();
  });

  test("a slave whose HA port lands on another broker's listen port is named with the derived rule", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], listenPort: 10912 } });
      new BrokerPair(cluster, "broker-b", {
        master: { host: hosts[2] },
        slaves: [{ host: hosts[1], listenPort: 10911 }],
      });
    });
    expect(msg).toContain(
      "broker-b slave-1 (brokerId 1) haListenPort (listenPort+1) 10912 collides with broker-a master listenPort 10912",
    );
  });

  test("a broker's fast channel (listenPort-2) collides like any other port", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], listenPort: 10911 } });
      new BrokerPair(cluster, "broker-b", { master: { host: hosts[1], listenPort: 10913 } });
    });
    expect(msg).toContain("fast channel (listenPort-2) 10911 collides with broker-a master listenPort 10911");
  });

  test("a broker on the name server's port is rejected", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[0], listenPort: 9878 } });
    });
    expect(msg).toContain(
      "[stack/rmq/ns] [ports/collision] name server ns listenPort 9876 collides with broker-a master fast channel (listenPort-2) 9876 on host 10.0.0.1",
    );
    expect(msg).toContain("e.g. listenPort: 9877");
  });

  test("brokers 4 apart on one host are accepted", () => {
    expect(() =>
      synth((s) => {
        const { hosts, cluster } = base(s);
        new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], listenPort: 10911 } });
        new BrokerPair(cluster, "broker-b", { master: { host: hosts[1], listenPort: 10915 } });
      }),
    ).not.toThrow();
  });

  test("listenPort 2 would open a fast channel at port 0: out of range", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], listenPort: 2 } });
    });
    expect(msg).toContain("[ports/range] broker-a master fast channel (listenPort-2) is 0, outside 1-65535");
    expect(msg).toContain("Set listenPort to a whole number between 3 and 65534");
  });

  test("clusters sharing a host are checked together", () => {
    const msg = synthError((s) => {
      const h = new DockerHost(s, "h", { address: "10.0.0.9" });
      const one = new RocketMqCluster(s, "one", { clusterName: "One" });
      const two = new RocketMqCluster(s, "two", { clusterName: "Two" });
      new NameServer(one, "ns", { host: h });
      new NameServer(two, "ns", { host: h, listenPort: 9877 });
      new BrokerPair(one, "broker-a", { master: { host: h } });
      new BrokerPair(two, "broker-a", { master: { host: h } });
    });
    // A collision across clusters names both clusters.
    expect(msg).toContain(
      "[stack/two/broker-a/master] [ports/collision] broker-a master of cluster Two fast channel (listenPort-2) 10909 collides with broker-a master of cluster One fast channel (listenPort-2) 10909; broker-a master of cluster Two listenPort 10911 collides with broker-a master of cluster One listenPort 10911; broker-a master of cluster Two haListenPort (listenPort+1) 10912 collides with broker-a master of cluster One haListenPort (listenPort+1) 10912 on host 10.0.0.9",
    );
  });
});

describe("stores", () => {
  test("two brokers on one store volume of one host are rejected (Lock failed, MQ already started)", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], store: { volume: "rmq-store" } } });
      new BrokerPair(cluster, "broker-b", {
        master: { host: hosts[1], listenPort: 11911, store: { volume: "rmq-store" } },
      });
    });
    expect(msg).toContain(
      '[stack/rmq/broker-b/master] [stores/shared] broker-b master and broker-a master both keep their store in volume "rmq-store" on host 10.0.0.2',
    );
    expect(msg).toContain("Lock failed,MQ already started");
  });

  test("a host directory at a folder RocketMQ keeps in another store (its commitlog) is refused: their files mix", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], store: { hostPath: "/data/rmq" } } });
      new BrokerPair(cluster, "broker-b", {
        master: { host: hosts[1], listenPort: 11911, store: { hostPath: "/data/rmq/commitlog/" } },
      });
    });
    expect(msg).toContain(
      '[stack/rmq/broker-b/master] [stores/shared] The store of broker-b master is /data/rmq/commitlog, the folder "commitlog" of the store of broker-a master (/data/rmq) on host 10.0.0.2, where RocketMQ keeps that store\'s own commitlog',
    );
  });

  test("a host directory elsewhere inside another store is a warning that says what RocketMQ does with it", () => {
    const warnings = synthWarnings((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], store: { hostPath: "/data/rmq" } } });
      new BrokerPair(cluster, "broker-b", {
        master: { host: hosts[1], listenPort: 11911, store: { hostPath: "/data/rmq/b/" } },
      });
    });
    expect(warnings).toEqual([
      expect.stringContaining(
        "stack/rmq/broker-b/master: [stores/nested] The store of broker-b master (/data/rmq/b) is inside the store of broker-a master (/data/rmq) on host 10.0.0.2. RocketMQ keeps each store's lock, checkpoint and commit log under the store's own root, so the two do not share files and both start",
      ),
    ]);
  });

  test("the same volume name on different hosts is fine: each engine has its own", () => {
    expect(() =>
      synth((s) => {
        const { hosts, cluster } = base(s);
        new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], store: { volume: "store" } } });
        new BrokerPair(cluster, "broker-b", { master: { host: hosts[2], store: { volume: "store" } } });
      }),
    ).not.toThrow();
  });

  test("a store with both a volume and a host directory is rejected", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], store: { volume: "v", hostPath: "/data" } } });
    });
    expect(msg).toContain("[stack/rmq/broker-a/master] [stores/one-kind]");
  });

  test("two containers with one name on one engine are rejected", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], containerName: "rmq" } });
      new BrokerPair(cluster, "broker-b", { master: { host: hosts[1], listenPort: 11911, containerName: "rmq" } });
    });
    expect(msg).toContain(
      '[stores/container-name] broker-b master and broker-a master both use container name "rmq" on host 10.0.0.2',
    );
  });
});

describe("ids", () => {
  test("a cluster without a name server is rejected", () => {
    const msg = synthError((s) => {
      const h = new DockerHost(s, "h", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq");
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    });
    expect(msg).toContain("[stack/rmq] [ids/no-namesrv] Cluster DefaultCluster has no NameServer");
  });

  test("a name with an invisible character shows it escaped in the message", () => {
    const msg = synthError((s) => {
      const h = new DockerHost(s, "h", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { clusterName: "Default\u200bCluster" });
      new NameServer(cluster, "ns", { host: h });
      new BrokerPair(cluster, "broker-a", { brokerName: "broker\u00a0a", master: { host: h } });
    });
    expect(msg).toContain('brokerClusterName "Default\\u200BCluster" is not a usable name');
    expect(msg).toContain('brokerName "broker\\u00A0a" is not a usable name');
    expect(msg).not.toMatch(/[\u200b\u00a0]/);
  });

  test("two broker sets with one brokerName are rejected", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "a1", { brokerName: "broker-a", master: { host: hosts[1] } });
      new BrokerPair(cluster, "a2", { brokerName: "broker-a", master: { host: hosts[2] } });
    });
    expect(msg).toContain('[stack/rmq/a2] [ids/broker-name] brokerName "broker-a" is used by two broker sets');
  });

  test("slaves with the same brokerId are rejected", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", {
        master: { host: hosts[0], listenPort: 10911 },
        slaves: [
          { host: hosts[1], brokerId: 1 },
          { host: hosts[2], brokerId: 1 },
        ],
      });
    });
    expect(msg).toContain(
      "[stack/rmq/broker-a/slave-2] [ids/slave-id] Slaves stack/rmq/broker-a/slave-1 and stack/rmq/broker-a/slave-2 of broker-a both have brokerId 1",
    );
  });

  test("a slave with brokerId 0 is rejected: that is the master's id", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1] }, slaves: [{ host: hosts[2], brokerId: 0 }] });
    });
    expect(msg).toContain("[ids/one-master] Broker set broker-a has 2 members with brokerId 0");
    expect(msg).toContain("Slave's brokerId must be > 0");
  });

  test("SYNC replication without a slave is rejected", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { replication: Replication.SYNC, master: { host: hosts[1] } });
    });
    expect(msg).toContain("[stack/rmq/broker-a] [ids/sync-needs-slave]");
    expect(msg).toContain("set replication: Replication.ASYNC");
  });
});

describe("DLedger", () => {
  test("a group of 2 peers is rejected: it cannot lose one", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new DLedgerGroup(cluster, "broker-c", { peers: [{ host: hosts[1] }, { host: hosts[2] }] });
    });
    expect(msg).toContain("[stack/rmq/broker-c] [dledger/quorum] DLedger group broker-c has 2 peers");
    expect(msg).toContain("at least 3 peers");
  });

  test("a group of 4 peers is accepted with a warning", () => {
    const warnings = synthWarnings((s) => {
      const { hosts, cluster } = base(s, ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]);
      new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
    });
    expect(warnings).toEqual([
      expect.stringContaining("stack/rmq/broker-c: [dledger/even] DLedger group broker-c has 4 peers"),
    ]);
  });

  test("duplicate and malformed dLegerSelfIds are rejected", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new DLedgerGroup(cluster, "broker-c", {
        peers: [
          { host: hosts[0], selfId: "n0" },
          { host: hosts[1], selfId: "n0" },
          { host: hosts[2], selfId: "node2" },
        ],
      });
    });
    expect(msg).toContain(
      '[stack/rmq/broker-c/peer-1] [dledger/self-id] dLegerSelfId "n0" is used by stack/rmq/broker-c/peer-0 and stack/rmq/broker-c/peer-1',
    );
    expect(msg).toContain(
      '[stack/rmq/broker-c/peer-2] [dledger/self-id] dLegerSelfId "node2" is not a letter followed by a number',
    );
  });

  test("dLegerSelfIds are compared as RocketMQ reads them: n1 and n01 are one follower brokerId; a number past a Java int is refused", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new DLedgerGroup(cluster, "broker-c", {
        peers: [
          { host: hosts[0], selfId: "n1" },
          { host: hosts[1], selfId: "n01" },
          { host: hosts[2], selfId: "n99999999999" },
        ],
      });
    });
    expect(msg).toContain(
      '[stack/rmq/broker-c/n01] [dledger/self-id] dLegerSelfId "n01" and "n1" of stack/rmq/broker-c/n1 are one number to RocketMQ (Integer.parseInt(selfId.substring(1)) is 1 for both): as followers both would register brokerId 2',
    );
    expect(msg).toContain(
      '[stack/rmq/broker-c/n99999999999] [dledger/self-id] dLegerSelfId "n99999999999" has a number above 2147483646',
    );
    // Each fix names its own free id (by number too: not n1, which n01 takes): following both synthesizes.
    expect(msg).toContain(
      'Set selfId of stack/rmq/broker-c/n01 to an id whose number no other peer of broker-c uses, e.g. selfId: "n0"',
    );
    expect(msg).toContain('e.g. selfId: "n2"');
    expect(() =>
      synth((s) => {
        const { hosts, cluster } = base(s);
        new DLedgerGroup(cluster, "broker-c", {
          peers: [
            { host: hosts[0], selfId: "n1" },
            { host: hosts[1], selfId: "n0" },
            { host: hosts[2], selfId: "n2" },
          ],
        });
      }),
    ).not.toThrow();
  });

  test.each([
    ["n0", 0],
    ["n01", 1],
    ["x2147483646", 2147483646],
    ["n2147483647", undefined],
    ["n+1", undefined],
    ["n-1", undefined],
    ["n", undefined],
    ["1", undefined],
  ])("dLegerSelfId %s is number %s to RocketMQ (undefined: refused)", (id, n) => {
    expect(selfIdNumber(id)).toBe(n);
  });

  test("DLedger before RocketMQ 4.5 is rejected, beside the unsupported version, and both fixes name 4.5.0", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s, ["10.0.0.1", "10.0.0.2", "10.0.0.3"], "4.4.0");
      new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
    });
    expect(msg).toContain(
      "[stack/rmq/broker-c] [dledger/version] DLedger group broker-c needs the DLedger commit log, which RocketMQ ships from 4.5.0 on",
    );
    expect(msg).toContain("cluster DefaultCluster runs 4.4.0");
    expect(msg).toContain("Fix: Set the cluster's `version` to 4.5.0 or later, or declare a BrokerPair");
    expect(msg).toContain("[stack/rmq] [versions/unknown] RocketMQ 4.4.0 is not supported");
    expect(msg).toContain(
      'Fix: Set the cluster\'s `version` to RocketMqVersion.V4_5_0 (the closest supported version; in JavaScript or JSON "4.5.0").',
    );
  });

  test("a DLedger group on 5.5.1, which deprecates the DLedger commit log, is a warning that says how to move to controller mode", () => {
    const warnings = synthWarnings((s) => {
      const { hosts, cluster } = base(s, ["10.0.0.1", "10.0.0.2", "10.0.0.3"], "5.5.1");
      new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      "stack/rmq/broker-c: [dledger/deprecated] DLedger group broker-c: RocketMQ 5.5.1 deprecates the broker's DLedger commit log",
    );
    expect(warnings[0]).toContain("Use Controller mode for new deployments.");
    expect(warnings[0]).toContain(
      'Fix: Declare a ControllerGroup (3 `controllers`, or `inNameServers` on 3 name servers) and a ControllerBrokerSet with `brokerName: "broker-c"`',
    );
  });

  test.each(["4.5.0", "4.9.8", "5.3.3", "5.5.0"])(
    "a DLedger group on %s, which does not deprecate it, gets no deprecation warning",
    (version) => {
      const warnings = synthWarnings((s) => {
        const { hosts, cluster } = base(s, ["10.0.0.1", "10.0.0.2", "10.0.0.3"], version);
        new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
      });
      expect(warnings).toEqual([]);
    },
  );

  test("in 4.7.x a peer host with '-' is rejected: DLedger 0.1 cuts the address at the '-'", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s, ["rmq-a", "rmq-b", "rmq-c"], "4.7.0");
      new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
    });
    expect(msg).toContain("[dledger/host-dash] Peer host \"rmq-b\" contains '-'");
  });

  test("two DLedger peers on one port of one host collide", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new DLedgerGroup(cluster, "broker-c", {
        peers: [
          { host: hosts[1], listenPort: 10911, dLegerPort: 40911 },
          { host: hosts[1], listenPort: 20911, dLegerPort: 40911 },
          { host: hosts[2] },
        ],
      });
    });
    expect(msg).toContain(
      "broker-c DLedger peer n1 DLedger port (dLegerPeers n1) 40911 collides with broker-c DLedger peer n0 DLedger port (dLegerPeers n0) 40911",
    );
    expect(msg).toContain("dLegerPort: 40912");
  });
});

describe("placement", () => {
  test("a master and its slave on one host are accepted with a warning", () => {
    const warnings = synthWarnings((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", {
        replication: Replication.SYNC,
        master: { host: hosts[1] },
        slaves: [{ host: hosts[1] }],
      });
    });
    expect(warnings).toEqual([
      expect.stringContaining(
        "stack/rmq/broker-a: [placement/same-host] master and slave of broker-a run on one host 10.0.0.2",
      ),
    ]);
  });
});

describe("versions", () => {
  test("an unknown RocketMQ version is rejected with the supported ones", () => {
    const msg = synthError((s) => base(s, ["10.0.0.1"], "3.2.6"));
    expect(msg).toContain("[stack/rmq] [versions/unknown]");
    expect(msg).toContain("4.9.8");
  });

  test("an image whose tag names another release than the cluster's version is refused; a tag naming none is a warning", () => {
    const build = (image: string) => (s: TerraformStack) => {
      const h = new DockerHost(s, "h", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_5_0, image });
      new NameServer(cluster, "ns", { host: h });
    };
    expect(synthError(build("apache/rocketmq:4.9.8"))).toContain(
      '[stack/rmq] [versions/image] image "apache/rocketmq:4.9.8" runs RocketMQ 4.9.8, but the cluster\'s version is 5.5.0: every file is written for 5.5.0 (its keys, its defaults, its access control), and 4.9.8 would read them. Fix: Set image to the 5.5.0 build, e.g. image: "apache/rocketmq:5.5.0", or set the cluster\'s version to 4.9.8 if that is the release you run.',
    );
    expect(synthWarnings(build("apache/rocketmq:latest"))).toEqual([
      expect.stringContaining(
        'stack/rmq: [versions/image] image "apache/rocketmq:latest" has the tag "latest", which names no RocketMQ release: the library cannot check that it runs 5.5.0',
      ),
    ]);
    expect(synthWarnings(build("registry.local:5000/mq/rocketmq"))).toEqual([
      expect.stringContaining("has no tag (Docker takes latest)"),
    ]);
    expect(synthWarnings(build(`apache/rocketmq@sha256:${"a".repeat(64)}`))).toEqual([
      expect.stringContaining("is pinned by digest only"),
    ]);
    // The release named, with a suffix or a digest after it: accepted without a word.
    for (const image of [
      "registry.local:5000/mq/rocketmq:5.5.0-alpine",
      `apache/rocketmq:5.5.0@sha256:${"a".repeat(64)}`,
    ])
      expect(synthWarnings(build(image))).toEqual([]);
  });

  test("with an unknown version, what holds in every version is reported in the same round: fixing the version finds nothing new", () => {
    const build = (version: string) => (s: TerraformStack) => {
      const h = new DockerHost(s, "h", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", {
        version: version as any,
        brokerProperties: { brokerClusterName: "X", storePathIndex: "/x" },
      });
      new NameServer(cluster, "ns", { host: h });
      new BrokerPair(cluster, "broker-a", { master: { host: h, properties: { listenPort: 10911 } } });
    };
    const rules = (msg: string) =>
      msg
        .split("\n")
        .map((l) => /^\s*\[([^\]]+)\] \[([^\]]+)\]/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${m[1]} ${m[2]}`);
    const first = rules(synthError(build("4.9.9")));
    expect(first).toEqual([
      "stack/rmq keys/not-a-key",
      "stack/rmq keys/owned",
      "stack/rmq versions/unknown",
      "stack/rmq/broker-a/master keys/owned",
    ]);
    // The version fixed as its error says: the same findings, without the version's.
    expect(rules(synthError(build("4.9.8")))).toEqual(first.filter((r) => r !== "stack/rmq versions/unknown"));
  });
});

describe("keys", () => {
  test("a misspelt extra property is rejected once, on the set that declared it, with a fix that works", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new DLedgerGroup(cluster, "broker-c", {
        peers: hosts.map((host) => ({ host })),
        properties: { dLedgerPeers: "x" },
      });
    });
    expect(msg.match(/\[keys\/unknown\]/g)).toHaveLength(1);
    expect(msg).toContain("[stack/rmq/broker-c] [keys/unknown]");
    // dLegerPeers is generated from the peers: the fix names that prop, not a key that would be refused as keys/owned.
    expect(msg).toContain("Fix: Remove dLedgerPeers from the extra properties and set `DLedgerGroup peers` instead.");
  });

  test("an extra property cannot override a key the constructs own", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], properties: { listenPort: 10915 } } });
    });
    expect(msg).toContain("[stack/rmq/broker-a/master] [keys/owned]");
    expect(msg).toContain("listenPort of the broker");
  });

  test("a Map given as properties (a JavaScript caller) is refused, not read as no settings", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", {
        master: { host: hosts[1], properties: new Map([["deleteWhen", "04"]]) as any },
      });
    });
    expect(msg).toContain(
      "[stack/rmq/broker-a/master] [props/type] properties is a Map (its entries are not read as settings: pass Object.fromEntries(map)), not an object of settings.",
    );
  });

  test("valid extra properties are written sorted beside the generated keys", () => {
    const json = synth((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", {
        master: { host: hosts[1], properties: { fileReservedTime: 48, deleteWhen: "04" } },
      });
    });
    const c = containers(json)["defaultcluster-broker-a-0"];
    expect(c.upload[0].content).toContain("\ndeleteWhen=04\nfileReservedTime=48\nflushDiskType=ASYNC_FLUSH\n");
  });
});

describe("jvm", () => {
  test("a heap below 128 MiB is rejected", () => {
    const msg = synthError((s) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], jvm: { heapMb: 64 } } });
    });
    expect(msg).toContain("[stack/rmq/broker-a/master] [jvm/size] broker-a master jvm.heapMb is 64");
  });

  /** The container's memory and the JVM flags the broker of `jvm` (and the cluster's `brokerJvm`) is given. */
  function brokerSizing(jvm: object, brokerJvm?: object) {
    const json = synth((s) => {
      const hosts = ["10.0.0.1", "10.0.0.2"].map((a, i) => new DockerHost(s, `h${i + 1}`, { address: a }));
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8, brokerJvm });
      new NameServer(cluster, "ns", { host: hosts[0], jvm: { memoryMb: 768 } });
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], jvm } });
    });
    const flags = (name: string) =>
      /JAVA_OPT_EXT=(.*)/.exec(containers(json)[name].env.find((e: string) => e.startsWith("JAVA_OPT_EXT=")))![1];
    const c = containers(json)["defaultcluster-broker-a-0"];
    return { memory: c.memory, flags: flags("defaultcluster-broker-a-0"), namesrv: flags("defaultcluster-namesrv-ns") };
  }

  test("memoryMb sizes the heap and direct memory not set, in the role's proportions after 256 MiB", () => {
    // A broker: half and half; a name server (768 MiB): two thirds heap.
    expect(brokerSizing({ memoryMb: 4096 })).toEqual({
      memory: 4096,
      flags: "-Xms1920m -Xmx1920m -XX:MaxDirectMemorySize=1920m",
      namesrv: "-Xms341m -Xmx341m -XX:MaxDirectMemorySize=171m",
    });
    // The default sizes are what the default memory gives back: nothing moves for a stack that sets neither.
    expect(brokerSizing({ memoryMb: 2304 })).toEqual(brokerSizing({}));
    // A size that is set is kept, the other gets the rest; the cluster's layer counts as set.
    expect(brokerSizing({ memoryMb: 4096, heapMb: 3000 }).flags).toBe(
      "-Xms3000m -Xmx3000m -XX:MaxDirectMemorySize=840m",
    );
    expect(brokerSizing({ memoryMb: 4096 }, { directMemoryMb: 512 }).flags).toBe(
      "-Xms3328m -Xmx3328m -XX:MaxDirectMemorySize=512m",
    );
    // The cluster's memory with the broker's own heap.
    expect(brokerSizing({ heapMb: 2048 }, { memoryMb: 3072 })).toMatchObject({
      memory: 3072,
      flags: "-Xms2048m -Xmx2048m -XX:MaxDirectMemorySize=768m",
    });
  });

  test("a memoryMb too small for the sizes it leaves or holds is one error on memoryMb, with a memory that works", () => {
    const build = (jvm: object, brokerJvm?: object) => (s: TerraformStack) => {
      const { hosts, cluster } = base(s);
      new BrokerPair(cluster, "broker-a", { master: { host: hosts[1], jvm } });
      if (brokerJvm) new BrokerPair(cluster, "broker-b", { master: { host: hosts[2], jvm: brokerJvm } });
    };
    // Both computed: 500 MiB leaves 122 MiB of heap.
    let msg = synthError(build({ memoryMb: 500 }));
    expect(msg).toContain(
      "[stack/rmq/broker-a/master] [jvm/memory] broker-a master jvm.memoryMb is 500: it leaves 122 MiB of heap (RocketMQ servers need at least 128 MiB of heap) after 256 MiB for metaspace, thread stacks and code cache. Fix: Set jvm.memoryMb to 512 or more, e.g. jvm.memoryMb: 512.",
    );
    expect(msg.match(/\[jvm\//g)).toHaveLength(1);
    expect(() => synth(build({ memoryMb: 512 }))).not.toThrow();
    // One computed: the heap set leaves too little direct memory.
    msg = synthError(build({ memoryMb: 2350, heapMb: 2048 }));
    expect(msg).toContain(
      "jvm.memoryMb is 2350: it leaves 46 MiB of direct memory (too small for the commit log's direct buffers) after 256 MiB for metaspace, thread stacks and code cache and the heap of 2048 MiB set. Fix: Set jvm.memoryMb to 2368 or more",
    );
    expect(() => synth(build({ memoryMb: 2368, heapMb: 2048 }))).not.toThrow();
    // Both set: they must fit with the 256 MiB.
    msg = synthError(build({ memoryMb: 2048, heapMb: 1024, directMemoryMb: 1024 }));
    expect(msg).toContain(
      "jvm.memoryMb is 2048, less than the heap of 1024 MiB (jvm.heapMb), the direct memory of 1024 MiB (jvm.directMemoryMb) and 256 MiB for metaspace, thread stacks and code cache: 2304 MiB.",
    );
    expect(msg).toContain("Fix: Set jvm.memoryMb to 2304 or more, or leave jvm.heapMb and jvm.directMemoryMb unset");
    // Below the least a JVM can be given, or not whole MiB: jvm/size on memoryMb, reported once for the cluster.
    msg = synthError((s) => {
      const { hosts } = base(s);
      const c2 = new RocketMqCluster(s, "rmq2", { clusterName: "C2", brokerJvm: { memoryMb: 300 } });
      new NameServer(c2, "ns", { host: hosts[1], listenPort: 9877 });
      new BrokerPair(c2, "broker-x", { master: { host: hosts[1], listenPort: 12911 } });
      new BrokerPair(c2, "broker-y", { master: { host: hosts[2], listenPort: 12911 } });
    });
    expect(msg.match(/\[jvm\/size\]/g)).toHaveLength(1);
    expect(msg).toContain(
      "[stack/rmq2] [jvm/size] brokerJvm.memoryMb is 300: too little for a RocketMQ server's JVM. Fix: Set brokerJvm.memoryMb to a whole number of MiB between 448 and",
    );
    expect(synthError(build({ memoryMb: 1000.5 }))).toContain(
      "[stack/rmq/broker-a/master] [props/type] jvm.memoryMb is 1000.5, not a whole number. Fix: Set jvm.memoryMb to a whole number, e.g. jvm.memoryMb: 1001.",
    );
  });
});

describe("all problems at once", () => {
  test("a broken topology reports every mistake together, each under its construct path with a fix", () => {
    const msg = synthError((s) => {
      const h1 = new DockerHost(s, "h1", { address: "10.0.0.1" });
      const h2 = new DockerHost(s, "h2", { address: "10.0.0.2" });
      const cluster = new RocketMqCluster(s, "rmq");
      // no name server
      new BrokerPair(cluster, "broker-a", { master: { host: h1, store: { volume: "shared" } } });
      new BrokerPair(cluster, "broker-b", {
        master: { host: h1, listenPort: 10912, store: { volume: "shared" } },
        slaves: [
          { host: h2, brokerId: 1 },
          { host: h2, brokerId: 1, listenPort: 12911 },
        ],
      });
      new DLedgerGroup(cluster, "broker-c", {
        peers: [
          { host: h1, listenPort: 20911 },
          { host: h2, listenPort: 20911 },
        ],
      });
    });
    for (const rule of ["ids/no-namesrv", "ports/collision", "stores/shared", "ids/slave-id", "dledger/quorum"])
      expect(msg).toContain(`[${rule}]`);
    const lines = msg.split("\n").filter((l) => l.trim().startsWith("[stack/"));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const l of lines) expect(l).toContain("Fix: ");
  });
});

describe("composition", () => {
  test("a cluster nested in a larger construct beside other resources synthesizes with both", () => {
    const json = synth((s) => {
      const platform = new Construct(s, "platform");
      new TerraformOutput(platform, "other", { value: "unrelated" });
      const h = new DockerHost(platform, "h1", { address: "10.0.0.1" });
      const messaging = new Construct(platform, "messaging");
      const cluster = new RocketMqCluster(messaging, "rmq");
      new NameServer(cluster, "ns", { host: h });
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    });
    expect(Object.keys(json.output).sort()).toEqual([
      "platform_messaging_rmq_broker-a_endpoints",
      "platform_messaging_rmq_namesrvAddr",
      "platform_other_E995A5AC",
    ]);
    expect(json.output.platform_messaging_rmq_namesrvAddr.value).toBe("10.0.0.1:9876");
    expect(json.output["platform_messaging_rmq_broker-a_endpoints"].value).toBe("10.0.0.1:10911");
    expect(Object.keys(containers(json)).sort()).toEqual(["defaultcluster-broker-a-0", "defaultcluster-namesrv-ns"]);
  });

  test("two hosts with one provider alias are rejected", () => {
    const msg = synthError((s) => {
      const a = new Construct(s, "a");
      const b = new Construct(s, "b");
      new DockerHost(a, "h", { address: "10.0.0.1" });
      new DockerHost(b, "h", { address: "10.0.0.2" });
    });
    expect(msg).toContain('[stack/a/h] [hosts/alias] docker provider alias "h" is used by stack/a/h and stack/b/h');
  });
});

describe("hosts that name no engine all deploy to one (hosts/default-engine)", () => {
  const withoutEngine = (s: TerraformStack, addresses: string[], extra: (n: number) => object = () => ({})) => {
    const cluster = new RocketMqCluster(s, "rmq");
    addresses.forEach(
      (address, i) =>
        new NameServer(cluster, `ns${i + 1}`, { host: new DockerHost(s, `h${i + 1}`, { address, ...extra(i) }) }),
    );
  };
  const defaultEngine = (ws: string[]) => ws.filter((w) => w.includes("[hosts/default-engine]"));

  test("three hosts at different addresses without dockerHost: one warning, on the first, naming all, with a fix", () => {
    const ws = defaultEngine(synthWarnings((s) => withoutEngine(s, ["10.0.0.1", "10.0.0.2", "10.0.0.3"])));
    expect(ws).toHaveLength(1);
    expect(ws[0]).toMatch(/^stack\/h1: /);
    expect(ws[0]).toContain("stack/h1 (10.0.0.1), stack/h2 (10.0.0.2), stack/h3 (10.0.0.3)");
    expect(ws[0]).toContain("ports they share would collide there");
    expect(ws[0]).toContain('dockerHost: "ssh://ops@10.0.0.1"');
  });

  test("no warning when each host names its engine, for one host alone, or for hosts that run nothing", () => {
    expect(
      defaultEngine(
        synthWarnings((s) =>
          withoutEngine(s, ["10.0.0.1", "10.0.0.2"], (i) => ({ dockerHost: `ssh://ops@10.0.0.${i + 1}` })),
        ),
      ),
    ).toEqual([]);
    expect(defaultEngine(synthWarnings((s) => withoutEngine(s, ["10.0.0.1"])))).toEqual([]);
    expect(
      defaultEngine(
        synthWarnings((s) => {
          withoutEngine(s, ["10.0.0.1"]);
          new DockerHost(s, "spare", { address: "10.0.0.9" });
        }),
      ),
    ).toEqual([]);
  });

  test("no warning for VMs, which have no Docker engine", () => {
    const ws = synthWarnings((s) => {
      const cluster = new RocketMqCluster(s, "rmq");
      [1, 2, 3].forEach(
        (n) => new NameServer(cluster, `ns${n}`, { host: new VmHost(s, `vm${n}`, { address: `10.0.0.${n}` }) }),
      );
    });
    expect(defaultEngine(ws)).toEqual([]);
  });
});
