import { TerraformStack, Testing } from "cdktf";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import {
  BrokerPair,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
  VmHost,
} from "../../lib";
import { main, parseWaitArgs, rollout, rolloutCommand, waitCommand } from "../../lib/cli";
import {
  brokerTable,
  decodeResponse,
  encodeRequest,
  missing,
  parseClusterInfo,
  signature,
  waitInSync,
} from "../../lib/ops/remoting";
import { handOver, parsePeers } from "../../lib/ops/raft";
import { planRollout, renderRollout, rolloutScript } from "../../lib/ops/rollout";
import { dockerStackChanges } from "../../lib/targets/docker/changes";
import { vmStackChanges } from "../../lib/targets/vm/changes";

function sync(
  nameServers: number,
  fileReservedTime?: number,
  secured = false,
  nameServerProperties?: Record<string, number>,
): any {
  const stack = new TerraformStack(Testing.app(), "seed");
  const hosts = [28, 29, 30].map(
    (n) => new DockerHost(stack, `h${n}`, { address: `10.0.0.${n}`, dockerHost: `tcp://10.0.0.${n}:2376` }),
  );
  const cluster = new RocketMqCluster(stack, "rmq", {
    version: RocketMqVersion.V4_9_8,
    ...(secured
      ? { accessControl: { users: [{ name: "rocketmq-admin", secret: "s3cret-admin-1", admin: true }] } }
      : {}),
  });
  for (let i = 0; i < nameServers; i++)
    new NameServer(cluster, `ns${28 + i}`, {
      host: hosts[i],
      ...(nameServerProperties ? { properties: nameServerProperties } : {}),
    });
  for (const [bn, m, sl] of [
    ["broker-a", 0, 1],
    ["broker-b", 1, 0],
  ] as const)
    new BrokerPair(cluster, bn, {
      replication: Replication.SYNC,
      master: { host: hosts[m], ...(fileReservedTime ? { properties: { fileReservedTime } } : {}) },
      slaves: [{ host: hosts[sl] }],
    });
  return JSON.parse(Testing.synth(stack, true));
}

/** A DLedger group of three on three machines (Docker hosts or VMs), a name server each, its brokers' heap `heapMb`. */
function raft(heapMb: number, on: "docker" | "vm" = "docker"): any {
  const stack = new TerraformStack(Testing.app(), on === "vm" ? "raft-vm" : "raft");
  const hosts = [28, 29, 30].map((n) =>
    on === "vm"
      ? new VmHost(stack, `vm${n}`, { address: `10.0.0.${n}` })
      : new DockerHost(stack, `h${n}`, { address: `10.0.0.${n}`, dockerHost: `tcp://10.0.0.${n}:2376` }),
  );
  const cluster = new RocketMqCluster(stack, "rmq", {
    clusterName: "RaftCluster",
    version: RocketMqVersion.V4_9_8,
    brokerJvm: { heapMb },
  });
  hosts.forEach((host, i) => new NameServer(cluster, `ns${28 + i}`, { host }));
  new DLedgerGroup(cluster, "broker-c", { peers: hosts.map((host) => ({ host })) });
  return JSON.parse(Testing.synth(stack, true));
}

/** A name server's answer to GET_BROKER_CLUSTER_INFO: broker-c led by the peer on `leader`, as fastjson writes it. */
function clusterInfoFrame(leader: string): Buffer {
  return frame(
    0,
    `{"brokerAddrTable":{"broker-c":{"brokerAddrs":{0:"${leader}"},"brokerName":"broker-c","cluster":"RaftCluster"}},"clusterAddrTable":{"RaftCluster":["broker-c"]}}`,
  );
}

describe("rocketmq-cdktf rollout", () => {
  test("a DLedger group's leader, asked from the running cluster, restarts after its followers: one election", () => {
    const changes = dockerStackChanges(raft(512), raft(480));
    const peers = (r: ReturnType<typeof planRollout>) =>
      r.waves.map((w) => w.processes).filter((p) => p.some((n) => n.includes("broker-c")));
    const declared = planRollout("raft", changes);
    expect(peers(declared)).toEqual([
      ["raftcluster-broker-c-n0"],
      ["raftcluster-broker-c-n1"],
      ["raftcluster-broker-c-n2"],
    ]);
    expect(declared.order).toEqual([
      expect.stringContaining("broker-c: members in declared order (the leader was not asked; give --namesrv)"),
    ]);
    const table = { "broker-c": { cluster: "RaftCluster", addrs: { "0": "10.0.0.28:10911" } } };
    const led = planRollout("raft", changes, { table, from: "10.0.0.29:9876" });
    expect(peers(led)).toEqual([["raftcluster-broker-c-n1"], ["raftcluster-broker-c-n2"], ["raftcluster-broker-c-n0"]]);
    expect(led.order).toEqual([
      "broker-c: the leader raftcluster-broker-c-n0 (10.0.0.28:10911, as 10.0.0.29:9876 lists it) restarts last, after its followers: the group elects once",
    ]);
    const last = led.waves[led.waves.length - 1];
    expect(last.waitFor).toEqual([{ brokerName: "broker-c", addr: "10.0.0.28:10911" }]);
    expect(rolloutScript([led], "cdktf.out")).toContain("# order: broker-c: the leader raftcluster-broker-c-n0");
    const unknown = planRollout("raft", changes, { unknown: "10.0.0.28:9876: connect ECONNREFUSED" });
    expect(peers(unknown)).toEqual(peers(declared));
    expect(unknown.order[0]).toContain("the leader was not asked: 10.0.0.28:9876: connect ECONNREFUSED");
    const elsewhere = planRollout("raft", changes, {
      table: { "broker-c": { cluster: "RaftCluster", addrs: {} } },
      from: "10.0.0.28:9876",
    });
    expect(elsewhere.order[0]).toContain("no leader registered with 10.0.0.28:9876");
  });

  test("on VMs the leader's VM is replaced last: a VM's processes stay together in one wave", () => {
    const changes = vmStackChanges(raft(512, "vm"), raft(480, "vm"));
    const table = { "broker-c": { cluster: "RaftCluster", addrs: { "0": "10.0.0.29:10911" } } };
    const r = planRollout("raft-vm", changes, { table, from: "10.0.0.28:9876" });
    expect(r.waves.map((w) => w.vms)).toEqual([["vm28_userData"], ["vm30_userData"], ["vm29_userData"]]);
    expect(r.waves.map((w) => w.processes)).toEqual([
      ["raftcluster-broker-c-n0", "raftcluster-namesrv-ns28"],
      ["raftcluster-broker-c-n2", "raftcluster-namesrv-ns30"],
      ["raftcluster-broker-c-n1", "raftcluster-namesrv-ns29"],
    ]);
    expect(r.order[0]).toContain("the leader raftcluster-broker-c-n1 (10.0.0.29:10911");
  });

  test("rollout --namesrv asks a name server (RocketMQ's remoting protocol) who leads, and orders by it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-"));
    const server = net.createServer((socket) =>
      socket.on("data", () => socket.end(clusterInfoFrame("10.0.0.29:10911"))),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      for (const [out, heap] of [
        ["before", 512],
        ["after", 480],
      ] as const) {
        fs.mkdirSync(path.join(dir, out, "stacks", "raft"), { recursive: true });
        fs.writeFileSync(path.join(dir, out, "stacks", "raft", "cdk.tf.json"), JSON.stringify(raft(heap)));
      }
      const code = await rolloutCommand([
        "--json",
        "--namesrv",
        `127.0.0.1:1;127.0.0.1:${port}`,
        path.join(dir, "before"),
        path.join(dir, "after"),
      ]);
      expect(code).toBe(0);
      const [plan] = JSON.parse(write.mock.calls.map((c) => String(c[0])).join(""));
      expect(plan.order).toEqual([
        `broker-c: the leader raftcluster-broker-c-n1 (10.0.0.29:10911, as 127.0.0.1:${port} lists it) restarts last, after its followers: the group elects once`,
      ]);
      expect(plan.waves.slice(-2).map((w: any) => w.processes)).toEqual([
        ["raftcluster-broker-c-n2"],
        ["raftcluster-broker-c-n1"],
      ]);
      write.mockClear();
      expect(await rolloutCommand(["--json", "--namesrv"])).toBe(2);
    } finally {
      write.mockRestore();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a name server added: it starts first, then each set's slave before its master, each wave waited for", () => {
    const r = planRollout("seed", dockerStackChanges(sync(2), sync(3)));
    expect(r.nameServers).toEqual(["10.0.0.28:9876", "10.0.0.29:9876", "10.0.0.30:9876"]);
    expect(r.waves.map((w) => w.processes)).toEqual([
      ["defaultcluster-namesrv-ns30"],
      ["defaultcluster-broker-a-1", "defaultcluster-broker-b-1"],
      ["defaultcluster-broker-a-0"],
      ["defaultcluster-broker-b-0"],
    ]);
    expect(r.waves[0].waitFor).toEqual([]);
    expect(r.waves[0].nameServers).toEqual(["10.0.0.30:9876"]);
    expect(r.waves[1].waitFor).toEqual([
      { brokerName: "broker-a", brokerId: "1", addr: "10.0.0.29:11911" },
      { brokerName: "broker-b", brokerId: "1", addr: "10.0.0.28:11911" },
    ]);
    expect(r.waves[2].waitFor).toEqual([{ brokerName: "broker-a", brokerId: "0", addr: "10.0.0.28:10911" }]);
    expect(r.waves[3].targets).toEqual([expect.stringMatching(/^docker_container\.rmq_broker-b_master_container_/)]);
    const script = rolloutScript([r], "cdktf.out", 120);
    expect(script).toContain("set -eu");
    expect(script).toContain(
      "$WAIT --namesrv '10.0.0.28:9876;10.0.0.29:9876;10.0.0.30:9876' --timeout 120 --broker broker-b:0@10.0.0.29:10911",
    );
    expect(script).toContain("$WAIT --namesrv 10.0.0.30:9876 --timeout 120\n");
    expect(script).toMatch(/\(cd cdktf.out\/stacks\/seed && "\$TF" apply -input=false -auto-approve\)\n+$/);
    expect(renderRollout([r])).toContain("5. apply everything");
  });

  test("a name server restarted: the next wave waits until it lists every running broker again, not only until it answers", () => {
    const r = planRollout("seed", dockerStackChanges(sync(2), sync(2, undefined, false, { serverWorkerThreads: 16 })));
    expect(r.waves.map((w) => w.processes)).toEqual([["defaultcluster-namesrv-ns28"], ["defaultcluster-namesrv-ns29"]]);
    const brokers = [
      { brokerName: "broker-a", brokerId: "0", addr: "10.0.0.28:10911" },
      { brokerName: "broker-a", brokerId: "1", addr: "10.0.0.29:11911" },
      { brokerName: "broker-b", brokerId: "0", addr: "10.0.0.29:10911" },
      { brokerName: "broker-b", brokerId: "1", addr: "10.0.0.28:11911" },
    ];
    expect(r.waves.map((w) => w.listedBy)).toEqual([
      [{ nameServer: "10.0.0.28:9876", brokers }],
      [{ nameServer: "10.0.0.29:9876", brokers }],
    ]);
    const script = rolloutScript([r], "cdktf.out", 120);
    expect(script).toContain(
      "$WAIT --namesrv 10.0.0.28:9876 --timeout 120 --registered --broker broker-a:0@10.0.0.28:10911 --broker broker-a:1@10.0.0.29:11911 --broker broker-b:0@10.0.0.29:10911 --broker broker-b:1@10.0.0.28:11911\n",
    );
    expect(renderRollout([r])).toContain(
      "1. `defaultcluster-namesrv-ns28`: apply `-target=docker_container.rmq_ns28_container_",
    );
    expect(renderRollout([r])).toMatch(
      /then wait until 10\.0\.0\.29:9876 lists `broker-a:0@10\.0\.0\.28:10911`, .* \(each broker registers every 30 s\)/,
    );
  });

  test("a SYNC pair on two VMs: the slave's VM is replaced first, the master's after it is back and in sync", () => {
    const pairOnVms = (heapMb: number): any => {
      const stack = new TerraformStack(Testing.app(), "pair-vm");
      const [vm28, vm29] = [28, 29].map((n) => new VmHost(stack, `vm${n}`, { address: `10.0.0.${n}` }));
      const cluster = new RocketMqCluster(stack, "rmq", { version: RocketMqVersion.V4_9_8, brokerJvm: { heapMb } });
      new NameServer(cluster, "ns28", { host: vm28 });
      new NameServer(cluster, "ns29", { host: vm29 });
      new BrokerPair(cluster, "broker-a", {
        replication: Replication.SYNC,
        master: { host: vm28 },
        slaves: [{ host: vm29 }],
      });
      return JSON.parse(Testing.synth(stack, true));
    };
    const r = planRollout("pair-vm", vmStackChanges(pairOnVms(512), pairOnVms(480)));
    expect(r.waves.map((w) => w.vms)).toEqual([["vm29_userData"], ["vm28_userData"]]);
    expect(r.waves.map((w) => w.waitFor.map((b) => b.brokerId))).toEqual([["1"], ["0"]]);
  });

  test("a cluster with access control: the script stops before the first apply unless an account is exported", () => {
    const r = planRollout("seed", dockerStackChanges(sync(2, undefined, true), sync(2, 72, true)));
    expect(r.accessControl).toBe(true);
    const script = rolloutScript([r], "cdktf.out");
    const guard = script.indexOf(': "${ROCKETMQ_ACCESS_KEY:?export ROCKETMQ_ACCESS_KEY and ROCKETMQ_SECRET_KEY');
    expect(guard).toBeGreaterThan(0);
    expect(guard).toBeLessThan(script.indexOf('"$TF" apply'));
    expect(script).not.toContain("s3cret-admin-1");
    expect(renderRollout([r])).toContain(
      "The brokers check access control: run the waits with an account of the cluster",
    );
    expect(planRollout("seed", dockerStackChanges(sync(2), sync(2, 72))).accessControl).toBe(false);
  });

  test("both masters changed: one at a time, so the other set keeps taking writes", () => {
    const r = planRollout("seed", dockerStackChanges(sync(2), sync(2, 72)));
    expect(r.waves.map((w) => w.processes)).toEqual([["defaultcluster-broker-a-0"], ["defaultcluster-broker-b-0"]]);
  });

  test("--stack: a pipeline deploying one stack of an app rolls only that stack", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-"));
    try {
      const write = (out: string, stack: string, doc: unknown) => {
        fs.mkdirSync(path.join(dir, out, "stacks", stack), { recursive: true });
        fs.writeFileSync(path.join(dir, out, "stacks", stack, "cdk.tf.json"), JSON.stringify(doc));
      };
      for (const stack of ["orders", "payments"]) {
        write("before", stack, sync(2));
        write("after", stack, sync(3));
      }
      const [before, after] = [path.join(dir, "before"), path.join(dir, "after")];
      const both = JSON.parse(rollout(before, after, "json"));
      expect(both.map((r: any) => r.stack)).toEqual(["orders", "payments"]);
      const one = JSON.parse(rollout(before, after, "json", 180, ["payments"]));
      expect(one.map((r: any) => r.stack)).toEqual(["payments"]);
      const script = rollout(before, after, "script", 180, ["payments"]);
      expect(script).toContain("/stacks/payments");
      expect(script).not.toContain("/stacks/orders");
      expect(() => rollout(before, after, "json", 180, ["billing"])).toThrow(
        /no stack billing in .* \(stacks: orders, payments\)/,
      );
      const write0 = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
      try {
        expect(main(["rollout", "--script", "--stack", "orders", "--timeout", "60", before, after])).toBe(0);
        const printed = write0.mock.calls.map((c) => String(c[0])).join("");
        expect(printed).toContain("/stacks/orders");
        expect(printed).not.toContain("/stacks/payments");
        expect(printed).toContain("--timeout 60");
      } finally {
        write0.mockRestore();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("nothing changed: no wave", () => {
    expect(planRollout("seed", dockerStackChanges(sync(2), sync(2))).waves).toEqual([]);
  });
});

describe("rocketmq-cdktf wait", () => {
  test("reads the cluster info as a name server writes it (fastjson's bare numeric keys)", () => {
    const body =
      '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.28:10911",1:"10.0.0.29:11911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}';
    const t = parseClusterInfo(body);
    expect(t).toEqual({
      "broker-a": { cluster: "DefaultCluster", addrs: { "0": "10.0.0.28:10911", "1": "10.0.0.29:11911" } },
    });
    expect(missing(new Map([["ns", t]]), [{ brokerName: "broker-a", brokerId: "1", addr: "10.0.0.29:11911" }])).toEqual(
      [],
    );
    expect(missing(new Map([["ns", t]]), [{ brokerName: "broker-a", brokerId: "0", addr: "10.0.0.29:11911" }])).toEqual(
      ['ns: broker-a id 0 at 10.0.0.29:11911 not registered (broker-a: {"0":"10.0.0.28:10911","1":"10.0.0.29:11911"})'],
    );
  });

  test("a request frame: total length, JSON header length, the header; a response frame read back whole", () => {
    const req = encodeRequest(106, 7);
    expect(req.readInt32BE(0)).toBe(req.length - 4);
    expect(JSON.parse(req.subarray(8).toString()).code).toBe(106);
    const header = Buffer.from(JSON.stringify({ code: 0, flag: 1, opaque: 7 }));
    const body = Buffer.from("{}");
    const frame = Buffer.alloc(8 + header.length + body.length);
    frame.writeInt32BE(4 + header.length + body.length, 0);
    frame.writeInt32BE(header.length, 4);
    header.copy(frame, 8);
    body.copy(frame, 8 + header.length);
    expect(decodeResponse(frame.subarray(0, 10))).toBeUndefined();
    expect(decodeResponse(frame)!.body.toString()).toBe("{}");
  });

  test("a port that does not answer is an error within the bound, never a hang", async () => {
    const server = net.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const t = Date.now();
    await expect(brokerTable(`127.0.0.1:${port}`, 300)).rejects.toThrow(`127.0.0.1:${port}: no answer within 300 ms`);
    expect(Date.now() - t).toBeLessThan(5_000);
    server.close();
  });

  test("its arguments are checked, with the form to write", () => {
    expect(() => parseWaitArgs(["--namesrv", "a:1", "--broker", "broker-a@x"])).toThrow(
      "--broker broker-a@x: write brokerName[:brokerId]@host:port, e.g. broker-a:0@10.0.0.1:10911",
    );
    expect(() => parseWaitArgs(["--broker", "broker-c@10.0.0.1:10911"])).toThrow("give --namesrv");
    expect(parseWaitArgs(["--namesrv", "a:1;b:2", "--broker", "broker-c@10.0.0.1:10911", "--timeout", "30"])).toEqual({
      nameServers: ["a:1", "b:2"],
      brokers: [{ brokerName: "broker-c", addr: "10.0.0.1:10911" }],
      registeredOnly: false,
      timeoutMs: 30_000,
      tls: false,
    });
    expect(parseWaitArgs(["--namesrv", "a:1", "--registered"]).registeredOnly).toBe(true);
    expect(() => parseWaitArgs(["--namesrv", "a:1"], { ROCKETMQ_ACCESS_KEY: "ops-admin" })).toThrow(
      "set both ROCKETMQ_ACCESS_KEY and ROCKETMQ_SECRET_KEY (an account of the cluster), or neither",
    );
  });
});

/** A response frame as RocketMQ writes it: the JSON header, then the body. */
function frame(code: number, body: string, remark?: string): Buffer {
  const header = Buffer.from(JSON.stringify({ code, flag: 1, opaque: 1, serializeTypeCurrentRPC: "JSON", remark }));
  const b = Buffer.from(body);
  const out = Buffer.alloc(8 + header.length + b.length);
  out.writeInt32BE(4 + header.length + b.length, 0);
  out.writeInt32BE(header.length, 4);
  header.copy(out, 8);
  b.copy(out, 8 + header.length);
  return out;
}

/**
 * A cluster on loopback ports, speaking RocketMQ's frames: a name server listing one set, and its brokers answering
 * GET_BROKER_RUNTIME_INFO with their commitLogMaxOffset and (5.x) the master GET_BROKER_HA_STATUS. With `account`,
 * the brokers check each request's signature as RocketMQ's ACL does (code 16 when it does not match).
 */
async function fakeCluster(o: {
  offsets: number[];
  inSync?: () => number | undefined;
  account?: { accessKey: string; secretKey: string };
}): Promise<{ ns: string; brokers: string[]; seen: { to: string; signed: boolean }[]; close: () => void }> {
  const servers: net.Server[] = [];
  const seen: { to: string; signed: boolean }[] = [];
  const listen = async (to: string, answer: (code: number, ext: Record<string, string>) => Buffer) => {
    const server = net.createServer((socket) =>
      socket.on("data", (buf: Buffer) => {
        const headerLength = buf.readInt32BE(4) & 0xffffff;
        const req = JSON.parse(buf.subarray(8, 8 + headerLength).toString()) as {
          code: number;
          extFields: Record<string, string>;
        };
        seen.push({ to, signed: req.extFields.AccessKey !== undefined });
        socket.end(answer(req.code, req.extFields));
      }),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push(server);
    return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  };
  const brokers: string[] = [];
  for (let i = 0; i < o.offsets.length; i++)
    brokers.push(
      await listen(`broker ${i}`, (code, ext) => {
        if (o.account) {
          const expected = signature({ AccessKey: ext.AccessKey ?? "" }, Buffer.alloc(0), o.account.secretKey);
          if (ext.AccessKey !== o.account.accessKey || ext.Signature !== expected)
            return frame(16, "", ext.AccessKey ? "check signature failed." : "username cannot be null.");
        }
        if (code === 28) return frame(0, JSON.stringify({ table: { commitLogMaxOffset: String(o.offsets[i]) } }));
        const n = o.inSync?.();
        if (code === 907 && i === 0 && n !== undefined)
          return frame(0, JSON.stringify({ master: true, inSyncSlaveNums: n, haConnectionInfo: [] }));
        return frame(3, "", `request type ${code} not supported`);
      }),
    );
  const addrs = brokers.map((a, i) => `${i}:"${a}"`).join(",");
  const ns = await listen("name server", () =>
    frame(0, `{"brokerAddrTable":{"broker-a":{"brokerAddrs":{${addrs}},"brokerName":"broker-a","cluster":"C"}}}`),
  );
  return { ns, brokers, seen, close: () => servers.forEach((s) => s.close()) };
}

describe("rocketmq-cdktf wait: in sync", () => {
  test("signs as RocketMQ's AclClientRPCHook: HmacSHA1 over the extFields' values in key order, base64", () => {
    // RocketMQ's own AclSignerTest: calSignature("RocketMQ", "12345678")
    expect(signature({ AccessKey: "RocketMQ" }, Buffer.alloc(0), "12345678")).toBe("IUc8rrO/0gDch8CjObLQsW2rsiA=");
    const header = JSON.parse(
      encodeRequest(28, 1, { accessKey: "RocketMQ", secretKey: "12345678" }).subarray(8).toString(),
    );
    expect(header.extFields).toEqual({ AccessKey: "RocketMQ", Signature: "IUc8rrO/0gDch8CjObLQsW2rsiA=" });
  });

  test("a slave behind its master keeps the wait going; it ends once the slave holds what the master held", async () => {
    const c = await fakeCluster({ offsets: [5000, 1200] });
    try {
      const b = { brokerName: "broker-a", brokerId: "1", addr: c.brokers[1] };
      await expect(waitInSync([c.ns], [b], 400, { intervalMs: 50 })).rejects.toThrow(
        `not in sync within 0 s:\n  broker-a id 1 at ${c.brokers[1]}: commitLogMaxOffset 1200, 3800 bytes behind the master's 5000`,
      );
      const caughtUp = await fakeCluster({ offsets: [5000, 5000] });
      try {
        const r = await waitInSync([caughtUp.ns], [{ ...b, addr: caughtUp.brokers[1] }], 2_000, { intervalMs: 50 });
        expect(r.sets).toEqual([`broker-a: 1 replica at the master ${caughtUp.brokers[0]}'s commitLogMaxOffset 5000`]);
      } finally {
        caughtUp.close();
      }
    } finally {
      c.close();
    }
  });

  test("a 5.x master that does not count its replica in sync (controller mode: not in the SyncStateSet) is waited for", async () => {
    let asked = 0;
    const c = await fakeCluster({ offsets: [700, 700], inSync: () => (++asked < 3 ? 0 : 1) });
    try {
      const r = await waitInSync([c.ns], [{ brokerName: "broker-a", addr: c.brokers[1] }], 5_000, { intervalMs: 50 });
      expect(asked).toBe(3);
      expect(r.sets).toEqual([
        `broker-a: 1 replica at the master ${c.brokers[0]}'s commitLogMaxOffset 700, 1 counted in sync by the master`,
      ]);
    } finally {
      c.close();
    }
  });

  test("a cluster with access control: unsigned, refused at once with what to set; signed with the account, in sync", async () => {
    const account = { accessKey: "ops-admin", secretKey: "s3cret-never-printed" };
    const c = await fakeCluster({ offsets: [900, 900], account });
    const err = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const args = ["--namesrv", c.ns, "--broker", `broker-a:1@${c.brokers[1]}`, "--timeout", "60"];
      const t = Date.now();
      expect(await waitCommand(args, {})).toBe(1);
      expect(Date.now() - t).toBeLessThan(10_000); // not the 60 s bound: waiting does not mend a refusal
      expect(err.mock.calls.join("")).toContain(
        "username cannot be null.): the broker checks access control; give an account of the cluster in the environment: ROCKETMQ_ACCESS_KEY and ROCKETMQ_SECRET_KEY",
      );
      err.mockClear();
      expect(await waitCommand(args, { ROCKETMQ_ACCESS_KEY: "ops-admin", ROCKETMQ_SECRET_KEY: "wrong-one" })).toBe(1);
      expect(err.mock.calls.join("")).toContain(
        "the account given (ROCKETMQ_ACCESS_KEY, ROCKETMQ_SECRET_KEY) is not accepted",
      );
      expect(
        await waitCommand(args, { ROCKETMQ_ACCESS_KEY: "ops-admin", ROCKETMQ_SECRET_KEY: account.secretKey }),
      ).toBe(0);
      expect(out.mock.calls.join("")).toContain(`registered with ${c.ns} and in sync after`);
      expect(err.mock.calls.join("") + out.mock.calls.join("")).not.toContain(account.secretKey);
      // the brokers get signed requests; the name server (which checks no account) is never sent one
      expect(c.seen.some((r) => r.to !== "name server" && r.signed)).toBe(true);
      expect(c.seen.filter((r) => r.to === "name server" && r.signed)).toEqual([]);
    } finally {
      err.mockRestore();
      out.mockRestore();
      c.close();
    }
  });
});

/**
 * A DLedger group of three on loopback ports, speaking DLedger's RPC as its peers do: METADATA names the leader, a
 * heartbeat of an older term is refused with the current term (EXPIRED_TERM, 403), LEADERSHIP_TRANSFER to the leader
 * with the current term moves the leadership to the transferee in a new term.
 */
async function fakeRaft(
  leader: string,
  behind: string[] = [],
): Promise<{ peers: string; state: { leader: string; term: number; transfers: number }; close: () => void }> {
  const state = { leader, term: 7, transfers: 0 };
  const servers: net.Server[] = [];
  const ids = ["n0", "n1", "n2"];
  const addrs: string[] = [];
  for (const id of ids) {
    const server = net.createServer((socket) =>
      socket.on("data", (buf: Buffer) => {
        const total = buf.readInt32BE(0);
        const headerLength = buf.readInt32BE(4) & 0xffffff;
        const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString()) as { code: number };
        const req = JSON.parse(buf.subarray(8 + headerLength, 4 + total).toString()) as Record<string, any>;
        let body: Record<string, unknown> = { code: 200, term: state.term };
        if (req.group !== "RaftNode00" || req.remoteId !== id) body = { code: 400 };
        else if (header.code === 50000) body = { code: 200, leaderId: state.leader, term: -1 };
        else if (header.code === 51002) body = req.term < state.term ? { code: 403, term: state.term } : { code: 200 };
        else if (header.code === 51005) {
          if (id !== state.leader) body = { code: 404 };
          else if (req.term !== state.term) body = { code: 407, term: req.term };
          else if (behind.includes(req.transfereeId)) body = { code: 417, term: req.term };
          else {
            state.leader = req.transfereeId;
            state.term++;
            state.transfers++;
          }
        }
        socket.end(frame(200, JSON.stringify(body)));
      }),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push(server);
    addrs.push(`${id}-127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  }
  return { peers: addrs.join(";"), state, close: () => servers.forEach((x) => x.close()) };
}

describe("rocketmq-cdktf handover", () => {
  test("the leader about to restart hands the leadership over in the current term (found by a refused heartbeat)", async () => {
    const g = await fakeRaft("n1");
    try {
      const said = await handOver("RaftNode00", parsePeers(g.peers), "n1", 5_000, { intervalMs: 20 });
      expect(said).toMatch(/^RaftNode00: n1 handed the leadership over to n0 \(term 7 -> 8\) in \d+\.\d s$/);
      expect(g.state).toEqual({ leader: "n0", term: 8, transfers: 1 });
      // a follower about to restart: nothing to hand over
      expect(await handOver("RaftNode00", parsePeers(g.peers), "n2", 5_000)).toBe(
        "RaftNode00: n2 does not lead (n0 does, term 8)",
      );
      expect(g.state.transfers).toBe(1);
      await expect(handOver("RaftNode00", parsePeers(g.peers), "n9", 5_000)).rejects.toThrow(
        "n9 is not one of the peers (n0, n1, n2)",
      );
    } finally {
      g.close();
    }
  });

  test("a member the leader says has not caught up is passed over for the next; none left: why, in DLedger's words", async () => {
    const g = await fakeRaft("n1", ["n0"]);
    try {
      expect(await handOver("RaftNode00", parsePeers(g.peers), "n1", 5_000, { intervalMs: 20 })).toContain(
        "n1 handed the leadership over to n2 (term 7 -> 8)",
      );
      const h = await fakeRaft("n1", ["n0", "n2"]);
      try {
        await expect(handOver("RaftNode00", parsePeers(h.peers), "n1", 5_000)).rejects.toThrow(
          "RaftNode00: n1 did not hand the leadership over (to n0: DLedger code 417 FALL_BEHIND_TOO_MUCH: the transferee does not hold enough of the leader's entries yet; to n2: DLedger code 417",
        );
      } finally {
        h.close();
      }
    } finally {
      g.close();
    }
  });

  test("the rollout script hands over before the apply of a DLedger member's wave, and goes on if it cannot", () => {
    const r = planRollout("raft", dockerStackChanges(raft(512), raft(480)));
    const script = rolloutScript([r], "cdktf.out");
    const last = r.waves[r.waves.length - 1];
    expect(last.handovers).toEqual([
      {
        process: "raftcluster-broker-c-n2",
        group: "broker-c",
        peers: "n0-10.0.0.28:40911;n1-10.0.0.29:40912;n2-10.0.0.30:40913",
        selfId: "n2",
      },
    ]);
    const line =
      "$HANDOVER --group broker-c --peers 'n0-10.0.0.28:40911;n1-10.0.0.29:40912;n2-10.0.0.30:40913' --leave n2 --timeout 30 || echo 'rocketmq-cdktf rollout: raftcluster-broker-c-n2 may lead broker-c: the group elects when it stops' >&2";
    expect(script).toContain(line);
    const wave = script.indexOf("# wave 3:");
    expect(script.indexOf(line)).toBeGreaterThan(wave);
    expect(script.indexOf(line)).toBeLessThan(script.indexOf('"$TF" apply', wave));
    expect(() => parsePeers("n0-10.0.0.28:40911;n1@10.0.0.29")).toThrow(
      "n1@10.0.0.29: not a dLegerPeers item (write id-host:port, e.g. n0-10.0.0.1:40911)",
    );
  });
});
