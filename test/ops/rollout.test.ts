import { TerraformStack, Testing } from "cdktf";
import * as net from "net";
import { BrokerPair, DockerHost, NameServer, Replication, RocketMqCluster, RocketMqVersion } from "../../lib";
import { parseWaitArgs } from "../../lib/cli";
import { brokerTable, decodeResponse, encodeRequest, missing, parseClusterInfo } from "../../lib/ops/remoting";
import { planRollout, renderRollout, rolloutScript } from "../../lib/ops/rollout";
import { dockerStackChanges } from "../../lib/targets/docker/changes";

function sync(nameServers: number, fileReservedTime?: number): any {
  const stack = new TerraformStack(Testing.app(), "seed");
  const hosts = [28, 29, 30].map(
    (n) => new DockerHost(stack, `h${n}`, { address: `10.0.0.${n}`, dockerHost: `tcp://10.0.0.${n}:2376` }),
  );
  const cluster = new RocketMqCluster(stack, "rmq", { version: RocketMqVersion.V4_9_8 });
  for (let i = 0; i < nameServers; i++) new NameServer(cluster, `ns${28 + i}`, { host: hosts[i] });
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

describe("rocketmq-cdktf rollout", () => {
  test("a name server added: it starts first, then each set's slave before its master, each wave waited for", () => {
    const r = planRollout("seed", dockerStackChanges(sync(2), sync(3)));
    expect(r.nameServers).toEqual(["10.0.0.28:9876", "10.0.0.29:9876", "10.0.0.30:9876"]);
    expect(r.waves.map((w) => w.processes)).toEqual([
      ["defaultcluster-namesrv-ns30"],
      ["defaultcluster-broker-a-1", "defaultcluster-broker-b-1"],
      ["defaultcluster-broker-a-0", "defaultcluster-broker-b-0"],
    ]);
    expect(r.waves[0].waitFor).toEqual([]);
    expect(r.waves[0].nameServers).toEqual(["10.0.0.30:9876"]);
    expect(r.waves[2].waitFor).toEqual([
      { brokerName: "broker-a", brokerId: "0", addr: "10.0.0.28:10911" },
      { brokerName: "broker-b", brokerId: "0", addr: "10.0.0.29:10911" },
    ]);
    expect(r.waves[2].targets).toEqual([
      expect.stringMatching(/^docker_container\.rmq_broker-a_master_container_/),
      expect.stringMatching(/^docker_container\.rmq_broker-b_master_container_/),
    ]);
    const script = rolloutScript([r], "cdktf.out", 120);
    expect(script).toContain("set -eu");
    expect(script).toContain(
      "$WAIT --namesrv '10.0.0.28:9876;10.0.0.29:9876;10.0.0.30:9876' --timeout 120 --broker broker-a:0@10.0.0.28:10911 --broker broker-b:0@10.0.0.29:10911",
    );
    expect(script).toContain("$WAIT --namesrv 10.0.0.30:9876 --timeout 120\n");
    expect(script).toMatch(/\(cd cdktf.out\/stacks\/seed && "\$TF" apply -input=false -auto-approve\)\n+$/);
    expect(renderRollout([r])).toContain("4. apply everything");
  });

  test("a change that keeps every group working is one wave", () => {
    const r = planRollout("seed", dockerStackChanges(sync(2), sync(2, 72)));
    expect(r.waves.map((w) => w.processes)).toEqual([["defaultcluster-broker-a-0", "defaultcluster-broker-b-0"]]);
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
      timeoutMs: 30_000,
      tls: false,
    });
  });
});
