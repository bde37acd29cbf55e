/**
 * The target contract (lib/targets/contract.ts) as a user implements it: a host of their own, written against the
 * public API only, beside DockerHosts in one cluster. The rules read its facts, the library hands it the same plans,
 * and processes on other hosts start after its processes through what it answered.
 */
import { Lazy, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import {
  DLedgerGroup,
  DockerHost,
  DockerNetworkMode,
  HostOccupant,
  IRocketMqHost,
  MachineFacts,
  NameServer,
  PlacedProcess,
  ProcessKind,
  ProcessRequest,
  RocketMqCluster,
  RocketMqVersion,
  StoreModel,
  StoreRequest,
} from "../../lib";
import { containers, synth, synthError } from "../helpers";

/** Machines another tool manages: processes share the machine, stores are directories, nothing runs images. */
class InventoryHost extends Construct implements IRocketMqHost {
  public readonly requests: ProcessRequest[] = [];

  constructor(
    scope: Construct,
    id: string,
    public readonly address: string,
    private readonly taken: HostOccupant[] = [],
  ) {
    super(scope, id);
  }

  public get facts(): MachineFacts {
    return {
      address: this.address,
      isolatedLoopback: false,
      namedVolumes: false,
      containerImages: false,
      memoryLimits: false,
      description: "an inventory machine",
    };
  }

  public storeOf(request: StoreRequest): StoreModel {
    const dir = `/srv/rocketmq/${request.processName}`;
    return { hostPath: dir, mountPath: dir, allowDestroy: false };
  }

  public placeProcess(request: ProcessRequest): PlacedProcess {
    this.requests.push(request);
    // What the other tool reads: each process's files, rendered at synth from its plan.
    new TerraformOutput(request.scope, "files", {
      value: Lazy.stringValue({ produce: () => JSON.stringify(request.plan().files) }),
    });
    return {};
  }

  public occupants(): HostOccupant[] {
    return this.taken;
  }
}

const plansOf = (host: InventoryHost) => host.requests.map((r) => r.plan());

describe("a host of the user's own, through the public contract", () => {
  test("gets each process's plan at synth: its files, command and ports, its store where the host put it", () => {
    let hosts: InventoryHost[] = [];
    const json = synth((s) => {
      hosts = [28, 29, 30].map((n) => new InventoryHost(s, `m${n}`, `10.0.0.${n}`));
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      hosts.forEach((host, i) => new NameServer(cluster, `ns${i}`, { host }));
      new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
    });
    const plans = hosts.flatMap(plansOf);
    expect(plans.map((p) => p.kind).sort()).toEqual(
      [...Array(3).fill(ProcessKind.BROKER), ...Array(3).fill(ProcessKind.NAMESRV)].sort(),
    );
    const peer = plans.find((p) => p.path === "stack/rmq/broker-c/n0")!;
    expect(peer.command).toEqual(["sh", "mqbroker", "-c", "/home/rocketmq/conf/broker.properties"]);
    expect(peer.files[0].content).toContain("storePathRootDir=/srv/rocketmq/defaultcluster-broker-c-n0\n");
    expect(peer.files[0].content).toContain("dLegerPeers=n0-10.0.0.28:40911;n1-10.0.0.29:40912;n2-10.0.0.30:40913\n");
    expect(peer.ports.map((p) => p.port)).toEqual([10909, 10911, 40911]);
    // The host's own output, rendered at synth from the plan it was handed.
    const outputs = Object.values<any>(json.output).map((o) => String(o.value));
    expect(outputs.filter((v) => v.includes("/home/rocketmq/conf/broker.properties"))).toHaveLength(3);
    expect(peer.store).toEqual({
      hostPath: "/srv/rocketmq/defaultcluster-broker-c-n0",
      mountPath: "/srv/rocketmq/defaultcluster-broker-c-n0",
      allowDestroy: false,
    });
  });

  test("the rules read its facts: a named volume, the console, its loopback, its occupants' ports", () => {
    const msg = synthError((s) => {
      const m1 = new InventoryHost(s, "m1", "10.0.0.1", [
        { path: "stack/other-app", name: "other-app", ports: [9876] },
      ]);
      const cluster = new RocketMqCluster(s, "rmq");
      new NameServer(cluster, "ns1", { host: m1, store: { volume: "ns1-data" } });
    });
    expect(msg).toContain(
      '[stack/rmq/ns1] [stores/named-volume] name server ns1 sets store.volume "ns1-data", but its host stack/m1 (10.0.0.1, an inventory machine) has no named volumes',
    );
    expect(msg).toContain(
      "[ports/collision] name server ns1 listenPort 9876 collides with docker_container other-app published port 9876 on host 10.0.0.1",
    );
  });

  test("a broker on a DockerHost starts after name servers on the user's host and a DockerHost: depends_on what each host answered", () => {
    const json = synth((s) => {
      const m1 = new InventoryHost(s, "m1", "10.0.0.1");
      const h2 = new DockerHost(s, "h2", { address: "10.0.0.2", dockerHost: "ssh://ops@10.0.0.2" });
      const cluster = new RocketMqCluster(s, "rmq");
      new NameServer(cluster, "ns1", { host: m1 });
      new NameServer(cluster, "ns2", { host: h2 });
      new DLedgerGroup(cluster, "g", {
        peers: [{ host: h2 }, { host: h2, listenPort: 20911 }, { host: h2, listenPort: 30911 }],
      });
    });
    const n0 = containers(json)["defaultcluster-g-n0"];
    // The user's host answered no resource: only the DockerHost's name server container and the store hand-over.
    expect(n0.depends_on).toEqual(
      ["docker_container.rmq_g_n0_store-init_8A3B1E4C", "docker_container.rmq_ns2_container_0B5A2E0E"].map(() =>
        expect.any(String),
      ),
    );
    expect(n0.depends_on).toHaveLength(2);
    expect(n0.depends_on.some((d: string) => d.startsWith("docker_container.rmq_ns2_container"))).toBe(true);
    expect(n0.depends_on.some((d: string) => d.startsWith("docker_container.rmq_g_n0_store-init"))).toBe(true);
  });
});

test("a DockerHost's facts: its engine, and on the bridge network a loopback of each container's own", () => {
  const s = new TerraformStack(Testing.app(), "facts");
  const bridge = new DockerHost(s, "h1", { address: "10.0.0.1", dockerHost: "ssh://ops@10.0.0.1" });
  expect(bridge.facts).toEqual({
    address: "10.0.0.1",
    engine: "ssh://ops@10.0.0.1",
    isolatedLoopback: true,
    privilegedPorts: true,
    description: "a Docker engine on the bridge network",
  });
  // On the machine's own network a container binds the machine's ports as uid 3000: none below 1024.
  const host = new DockerHost(s, "h2", { address: "10.0.0.2", networkMode: DockerNetworkMode.HOST });
  expect(host.facts).toMatchObject({ isolatedLoopback: false, privilegedPorts: false });
});
