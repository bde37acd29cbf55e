import { Testing, TerraformStack } from "cdktf";
import {
  BrokerPair,
  ControllerBrokerSet,
  ControllerGroup,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Proxy,
  RocketMqCluster,
  RocketMqVersion,
} from "../../lib";
import { SeedControllerStack } from "../../examples/seed";
import { containers, synth, synthError, synthWarnings, uploadedProperties } from "../helpers";

function hostsOf(stack: TerraformStack, n = 3) {
  return Array.from({ length: n }, (_, i) => new DockerHost(stack, `h${i + 1}`, { address: `10.0.0.${i + 1}` }));
}

describe("seed RocketMQ 5 controller-mode cluster", () => {
  const json = JSON.parse(Testing.synth(new SeedControllerStack(Testing.app(), "seed"), true));
  const c = containers(json);

  test("every replica starts as brokerId -1 / SLAVE in controller mode, listing every controller", () => {
    for (const r of ["r0", "r1", "r2"]) {
      const p = uploadedProperties(c[`controllercluster-broker-a-${r}`]);
      expect(p).toMatchObject({
        brokerName: "broker-a",
        brokerId: "-1",
        brokerRole: "SLAVE",
        enableControllerMode: "true",
        allAckInSyncStateSet: "true",
        controllerAddr: "172.17.160.41:9878;172.17.160.42:9868;172.17.160.43:9858",
      });
      expect(p.enableDLegerCommitLog).toBeUndefined();
    }
  });

  test("name servers embed the controllers with one identical controllerDLegerPeers and their own id", () => {
    const ns = ["ns41", "ns42", "ns43"].map((n) => uploadedProperties(c[`controllercluster-namesrv-${n}`]));
    for (const p of ns) {
      expect(p.enableControllerInNamesrv).toBe("true");
      expect(p.controllerDLegerGroup).toBe("controllers");
      expect(p.controllerDLegerPeers).toBe("n0-172.17.160.41:9878;n1-172.17.160.42:9868;n2-172.17.160.43:9858");
    }
    expect(ns.map((p) => p.controllerDLegerSelfId)).toEqual(["n0", "n1", "n2"]);
    expect(c["controllercluster-namesrv-ns42"].ports.map((p: any) => p.external)).toEqual([9868, 9876]);
  });

  test("the proxy gets a generated rmq-proxy.json in cluster mode, wired to the name servers", () => {
    const proxy = c["controllercluster-proxy-proxy"];
    expect(proxy.command).toEqual(["sh", "mqproxy", "-pc", "/home/rocketmq/conf/rmq-proxy.json"]);
    expect(JSON.parse(proxy.upload[0].content)).toEqual({
      grpcServerPort: 8081,
      namesrvAddr: "172.17.160.41:9876;172.17.160.42:9876;172.17.160.43:9876",
      proxyMode: "CLUSTER",
      remotingAccessAddr: "172.17.160.41",
      localServeAddr: "172.17.160.41",
      remotingListenPort: 8080,
      rocketMQClusterName: "ControllerCluster",
    });
    expect(proxy.ports.map((p: any) => p.external)).toEqual([8080, 8081]);
    // No store: its logs volume, /tmp, and its file from its logs-init (a read-only root).
    expect(proxy.volumes.map((v: any) => v.container_path ?? "volumes_from")).toEqual([
      "/home/rocketmq/logs",
      "/tmp",
      "volumes_from",
    ]);
  });
});

describe("RocketMQ 5 rules", () => {
  test("standalone controllers run mqcontroller with their own store and ports in the port plan", () => {
    const json = synth((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h[0] });
      new ControllerGroup(cluster, "ctl", { controllers: h.map((host) => ({ host })) });
      new ControllerBrokerSet(cluster, "broker-a", { brokers: [{ host: h[1] }, { host: h[2] }] });
    });
    const ctl = containers(json)["defaultcluster-controller-n1"];
    expect(ctl.command).toEqual(["sh", "mqcontroller", "-c", "/home/rocketmq/conf/controller.properties"]);
    expect(uploadedProperties(ctl)).toEqual({
      controllerDLegerGroup: "ctl",
      controllerDLegerPeers: "n0-10.0.0.1:9878;n1-10.0.0.2:9868;n2-10.0.0.3:9858",
      controllerDLegerSelfId: "n1",
      controllerStorePath: "/home/rocketmq/controller",
    });
    expect(ctl.ports.map((p: any) => p.external)).toEqual([9868]);
  });

  test("controllerType=jRaft is refused with the reason: the brokers would look for the controllers on the DLedger ports", () => {
    const msg = synthError((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h[0] });
      new ControllerGroup(cluster, "ctl", {
        controllers: h.map((host) => ({ host, properties: { controllerType: "jRaft" } })),
      });
      new ControllerBrokerSet(cluster, "broker-a", { brokers: [{ host: h[1] }, { host: h[2] }] });
    });
    const lines = msg.split("\n").filter((l) => l.includes("[controller/jraft]"));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(
      "[stack/rmq/ctl/n0] [controller/jraft] controllerType=jRaft makes the controllers of ctl serve their raft and the brokers on the jRaft ports",
    );
    expect(lines[0]).toContain("Fix: Remove controllerType (DLedger, the default,");
  });

  test("controller mode, controllers and proxies on 4.x are rejected", () => {
    const msg = synthError((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      const ns = new NameServer(cluster, "ns", { host: h[0] });
      new ControllerGroup(cluster, "ctl", { inNameServers: [{ nameServer: ns }] });
      new ControllerBrokerSet(cluster, "broker-a", { brokers: [{ host: h[1] }, { host: h[2] }] });
      new Proxy(cluster, "proxy", { host: h[0] });
    });
    const lines = msg.split("\n");
    const line = (path: string) => lines.find((l) => l.includes(`[${path}] [versions/needs-5]`)) ?? "";
    expect(line("stack/rmq/ctl")).toContain(
      "Controller group ctl needs RocketMQ 5.0 or later: the controller (mqcontroller, or enableControllerInNamesrv in the name server) first ships in 5.0.0",
    );
    expect(line("stack/rmq/ctl")).toContain(
      "cluster DefaultCluster runs 4.9.8. Fix: Set the cluster's `version` to a 5.x release (e.g. 5.5.0), or remove the ControllerGroup",
    );
    expect(line("stack/rmq/broker-a")).toContain(
      "Controller-mode broker set broker-a needs RocketMQ 5.0 or later: enableControllerMode and controllerAddr first exist in 5.0.0",
    );
    expect(line("stack/rmq/broker-a")).toContain(
      "or declare a DLedgerGroup (automatic failover on 4.5+) or a BrokerPair instead.",
    );
    expect(line("stack/rmq/proxy")).toContain(
      "A proxy needs RocketMQ 5.0 or later: the proxy (rocketmq-proxy, mqproxy) first ships in 5.0.0",
    );
    expect(line("stack/rmq/proxy")).toContain(
      "or remove the Proxy: 4.x clients connect to the name servers and brokers directly.",
    );
    // Each message is about its own construct: the proxy's says nothing of DLedger failover.
    expect(line("stack/rmq/proxy")).not.toContain("DLedger");
  });

  test("haListenPort on 4.x is rejected: 4.x always uses listenPort+1", () => {
    const msg = synthError((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns", { host: h[0] });
      new BrokerPair(cluster, "broker-a", { master: { host: h[1], haListenPort: 10999 } });
    });
    expect(msg).toContain(
      "[stack/rmq/broker-a/master] [versions/ha-listen-port] haListenPort 10999 is set, but RocketMQ 4.9.8 always overwrites it with listenPort+1 (10912).",
    );
  });

  test("on 5.x an explicit haListenPort is written and takes part in the port plan", () => {
    const msg = synthError((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h[0] });
      new BrokerPair(cluster, "broker-a", { master: { host: h[0], haListenPort: 9876 } });
    });
    expect(msg).toContain(
      "[stack/rmq/ns] [ports/collision] name server ns listenPort 9876 collides with broker-a master haListenPort 9876",
    );
  });

  test("a controller-mode set without a ControllerGroup is rejected", () => {
    const msg = synthError((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h[0] });
      new ControllerBrokerSet(cluster, "broker-a", { brokers: [{ host: h[1] }, { host: h[2] }] });
    });
    expect(msg).toContain("[stack/rmq/broker-a] [controller/missing]");
  });

  test("two controllers are rejected, one is accepted with a warning", () => {
    const msg = synthError((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h[0] });
      new ControllerGroup(cluster, "ctl", { controllers: [{ host: h[1] }, { host: h[2] }] });
    });
    expect(msg).toContain("[stack/rmq/ctl] [controller/quorum] Controller group ctl has 2 controllers");
    const warnings = synthWarnings((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      const ns = new NameServer(cluster, "ns", { host: h[0] });
      new ControllerGroup(cluster, "ctl", { inNameServers: [{ nameServer: ns }] });
    });
    expect(warnings).toEqual([
      expect.stringContaining("stack/rmq/ctl: [controller/quorum] Controller group ctl has 1 controller"),
    ]);
  });

  test("a ControllerGroup with both or neither kind of controller is rejected", () => {
    const msg = synthError((s) => {
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: hostsOf(s, 1)[0] });
      new ControllerGroup(cluster, "ctl", {});
    });
    expect(msg).toContain("[stack/rmq/ctl] [controller/kind]");
  });

  test("enabling controller mode in a DLedger group through extra properties is rejected", () => {
    const msg = synthError((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h[0] });
      new DLedgerGroup(cluster, "broker-c", {
        peers: h.map((host) => ({ host })),
        properties: { enableControllerMode: true },
      });
    });
    expect(msg).toContain("[stack/rmq/broker-c] [keys/owned]");
    expect(msg).toContain("enableControllerMode and enableDLegerCommitLog are both true");
  });

  test("proxy ports collide like any other", () => {
    const msg = synthError((s) => {
      const h = hostsOf(s, 1);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h[0] });
      new Proxy(cluster, "proxy", { host: h[0], grpcServerPort: 9876 });
    });
    expect(msg).toContain(
      "[stack/rmq/proxy] [ports/collision] proxy proxy grpcServerPort 9876 collides with name server ns listenPort 9876",
    );
    expect(msg).toContain("e.g. grpcServerPort: 9877");
  });

  test("a misspelt proxy setting is rejected against the proxy catalogue", () => {
    const msg = synthError((s) => {
      const h = hostsOf(s, 1);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h[0] });
      new Proxy(cluster, "proxy", { host: h[0], properties: { grpcServerport: 9000 } });
    });
    expect(msg).toContain("[stack/rmq/proxy] [keys/unknown]");
    expect(msg).toContain("grpcServerPort");
  });
});

describe("elected roles", () => {
  test("flushDiskType can be set as a property on DLedger peers and controller-mode replicas", () => {
    const json = synth((s) => {
      const h = hostsOf(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h[0] });
      new ControllerGroup(cluster, "ctl", { controllers: h.map((host) => ({ host })) });
      new DLedgerGroup(cluster, "broker-c", {
        peers: h.map((host) => ({ host, listenPort: 20911 })),
        properties: { flushDiskType: "SYNC_FLUSH" },
      });
      new ControllerBrokerSet(cluster, "broker-a", {
        brokers: [{ host: h[1] }, { host: h[2] }],
        properties: { flushDiskType: "SYNC_FLUSH" },
      });
    });
    expect(uploadedProperties(containers(json)["defaultcluster-broker-c-n0"]).flushDiskType).toBe("SYNC_FLUSH");
    expect(uploadedProperties(containers(json)["defaultcluster-broker-a-r0"]).flushDiskType).toBe("SYNC_FLUSH");
  });

  test("controllers and controller-mode replicas sharing a host are warned about", () => {
    const warnings = synthWarnings((s) => {
      const [h] = hostsOf(s, 1);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_5_0 });
      new NameServer(cluster, "ns", { host: h });
      new ControllerGroup(cluster, "ctl", { controllers: [{ host: h }, { host: h }, { host: h }] });
      new ControllerBrokerSet(cluster, "broker-a", { brokers: [{ host: h }, { host: h, listenPort: 11911 }] });
    });
    expect(warnings).toEqual([
      expect.stringContaining(
        "stack/rmq/ctl: [placement/same-host] 3 controllers of group ctl run on one host 10.0.0.1",
      ),
      expect.stringContaining(
        "stack/rmq/broker-a: [placement/same-host] 2 replicas of controller-mode set broker-a run on one host 10.0.0.1",
      ),
    ]);
  });
});
