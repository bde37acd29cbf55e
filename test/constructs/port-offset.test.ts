import { TerraformStack } from "cdktf";
import {
  BrokerPair,
  ControllerBrokerSet,
  ControllerGroup,
  Dashboard,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Proxy,
  Replication,
  RocketMqCluster,
  RocketMqClusterProps,
  RocketMqVersion,
} from "../../lib";
import { containers, synth, synthError, uploadedProperties } from "../helpers";

/** Every kind of process of a cluster on seven machines, every port left to its default. */
function fullCluster(stack: TerraformStack, h: DockerHost[], props: RocketMqClusterProps): RocketMqCluster {
  const c = new RocketMqCluster(stack, props.clusterName ?? "rmq", { version: RocketMqVersion.V5_3_3, ...props });
  new NameServer(c, "ns", { host: h[0] });
  new BrokerPair(c, "a", { replication: Replication.SYNC, master: { host: h[0] }, slaves: [{ host: h[1] }] });
  new DLedgerGroup(c, "d", { brokerName: "broker-d", peers: [h[2], h[3], h[4]].map((host) => ({ host })) });
  new ControllerGroup(c, "ctl", { controllers: [h[2], h[3], h[4]].map((host) => ({ host })) });
  new ControllerBrokerSet(c, "e", { brokerName: "broker-e", brokers: [{ host: h[5] }, { host: h[6] }] });
  new Proxy(c, "proxy", { host: h[5] });
  new Dashboard(c, "console", { host: h[6] });
  return c;
}

function hostsOf(stack: TerraformStack): DockerHost[] {
  return [1, 2, 3, 4, 5, 6, 7].map(
    (i) => new DockerHost(stack, `h${i}`, { address: `10.0.0.${i}`, dockerHost: `tcp://10.0.0.${i}:2376` }),
  );
}

/** Every host port the containers of a cluster publish, by container name. */
function published(json: any, prefix: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, c] of Object.entries<any>(containers(json)))
    if (name.startsWith(prefix))
      out[name] = (c.ports ?? []).map((p: any) => p.external).sort((a: number, b: number) => a - b);
  return out;
}

describe("RocketMqCluster portOffset", () => {
  test("a second cluster on the same machines is one setting: every default port moves by it, and both synthesize", () => {
    const json = synth((stack) => {
      const hosts = hostsOf(stack);
      fullCluster(stack, hosts, { clusterName: "Orders" });
      fullCluster(stack, hosts, { clusterName: "Payments", portOffset: 100 });
    });
    const orders = published(json, "orders-");
    const payments = published(json, "payments-");
    expect(Object.keys(payments).length).toBe(Object.keys(orders).length);
    for (const [name, ports] of Object.entries(orders)) {
      const twin = payments[name.replace(/^orders-/, "payments-")];
      expect(twin).toEqual(ports.map((p) => p + 100));
    }
    const c = containers(json);
    expect(uploadedProperties(c["payments-namesrv-ns"]).listenPort).toBe("9976");
    const master = uploadedProperties(c["payments-a-0"]);
    expect(master.listenPort).toBe("11011");
    expect(master.namesrvAddr).toBe("10.0.0.1:9976");
    expect(master.controllerAddr).toBeUndefined();
    expect(uploadedProperties(c["payments-a-1"]).listenPort).toBe("12011");
    const peer = uploadedProperties(c["payments-broker-d-n0"]);
    expect(peer.dLegerPeers).toBe("n0-10.0.0.3:41011;n1-10.0.0.4:41012;n2-10.0.0.5:41013");
    expect(uploadedProperties(c["payments-broker-e-r0"]).controllerAddr).toBe(
      "10.0.0.3:9978;10.0.0.4:9968;10.0.0.5:9958",
    );
  });

  test("a port given explicitly is used as given", () => {
    const json = synth((stack) => {
      const [h] = hostsOf(stack);
      const c = new RocketMqCluster(stack, "rmq", { clusterName: "Payments", portOffset: 100 });
      new NameServer(c, "ns", { host: h, listenPort: 9000 });
      new BrokerPair(c, "a", { master: { host: h, listenPort: 20911 } });
    });
    const c = containers(json);
    expect(uploadedProperties(c["payments-namesrv-ns"]).listenPort).toBe("9000");
    expect(uploadedProperties(c["payments-a-0"]).listenPort).toBe("20911");
  });

  test("without it, the second cluster's default ports collide with the first's", () => {
    const message = synthError((stack) => {
      const hosts = hostsOf(stack);
      fullCluster(stack, hosts, { clusterName: "Orders" });
      fullCluster(stack, hosts, { clusterName: "Payments" });
    });
    expect(message).toContain("[ports/collision]");
  });

  test.each([
    [-100, "[ports/offset] portOffset -100 is not a whole number from 0 to 24000"],
    [30000, "[ports/offset] portOffset 30000 is not a whole number from 0 to 24000"],
    [1.5, "[props/type]"],
    ["100", "[props/type]"],
  ])("portOffset %p is refused where declared, with a fix", (offset, expected) => {
    const message = synthError((stack) => {
      const [h] = hostsOf(stack);
      const c = new RocketMqCluster(stack, "rmq", { portOffset: offset as number });
      new NameServer(c, "ns", { host: h });
    });
    expect(message).toContain(`[stack/rmq] ${expected}`);
    expect(message).not.toContain("[ports/range]");
  });
});
