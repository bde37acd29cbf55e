/**
 * Untyped callers (JavaScript, JSON): whatever value each prop of each construct gets, the library never throws from
 * inside itself or cdktf. Building the constructs, validating them and producing the Terraform JSON always end, and
 * every refused value is an error on a construct path in the `[rule] message Fix: ...` format.
 */
import { Testing, TerraformStack } from "cdktf";
import fc from "fast-check";
import {
  BrokerPair,
  ControllerBrokerSet,
  ControllerGroup,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Proxy,
  RocketMqCluster,
} from "../../lib";

jest.mock("cdktf/lib/tokens/private/stack-trace", () => ({ captureStackTrace: () => [] }));

const RUNS = Math.max(100, Math.round(Number(process.env.ROCKETMQ_PBT_RUNS ?? 3000) / 10));
const SEED = Number(process.env.ROCKETMQ_PBT_SEED ?? 1313);

/** Any JSON-ish value, mostly small, sometimes of the right kind. */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      10911,
      9876,
      "10911",
      10911.5,
      NaN,
      -1e17,
      Infinity,
      0,
      "",
      "SYNC",
      "sync",
      "host",
      true,
      "true",
      [],
      {},
      null,
      undefined,
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
/** An object with some of the construct's props (any values), sometimes with an unknown prop. */
const propsOf = (names: readonly string[]) =>
  fc.dictionary(fc.constantFrom(...names, "listenport", "hots"), value, { maxKeys: 5 });

test(`no value of any prop makes the library throw (${RUNS} programs)`, () => {
  fc.assert(
    fc.property(
      fc.record({
        host: propsOf(["address", "dockerHost", "alias", "networkMode"]),
        cluster: propsOf([
          "clusterName",
          "version",
          "image",
          "brokerJvm",
          "nameServerJvm",
          "brokerProperties",
          "runAs",
          "allowStoreDestroy",
        ]),
        ns: propsOf(["listenPort", "containerName", "jvm", "store", "properties"]),
        pair: propsOf(["brokerName", "replication", "slaves", "properties"]),
        master: propsOf(["listenPort", "containerName", "jvm", "store", "haListenPort", "properties", "flushDiskType"]),
        peer: propsOf(["listenPort", "selfId", "dLegerPort", "containerName", "store", "jvm"]),
        group: propsOf(["controllerDLegerGroup", "controllers", "inNameServers"]),
        set: propsOf(["brokerName", "brokers", "allAckInSyncStateSet", "properties"]),
        proxy: propsOf(["remotingListenPort", "grpcServerPort", "containerName", "jvm", "properties"]),
        useHost: fc.boolean(),
        nsProps: fc.oneof(fc.constant("object"), value),
      }),
      (p) => {
        const stack = new TerraformStack(Testing.app(), "stack");
        const host = new DockerHost(stack, "h", p.host as any);
        const good = new DockerHost(stack, "g", { address: "10.0.0.2" });
        const cluster = new RocketMqCluster(stack, "rmq", p.cluster);
        const on = (x: Record<string, unknown>) => ({ host: p.useHost ? host : good, ...x });
        const ns = new NameServer(cluster, "ns", (p.nsProps === "object" ? on(p.ns) : p.nsProps) as any);
        new BrokerPair(cluster, "a", { master: on(p.master), ...p.pair });
        new DLedgerGroup(cluster, "c", { peers: [on(p.peer), on({}), on({ listenPort: 20911 })] });
        new ControllerGroup(cluster, "g", { inNameServers: [{ nameServer: ns }], ...p.group });
        new ControllerBrokerSet(cluster, "s", { brokers: [on({ listenPort: 30911 })], ...p.set });
        new Proxy(cluster, "x", on(p.proxy));
        const messages = stack.node.findAll().flatMap((c) => c.node.validate().map((m) => `${c.node.path} ${m}`));
        for (const m of messages) expect(m).toMatch(/^stack\S* \[[a-z0-9-]+\/[a-z0-9-]+\] .* Fix: \S/s);
        Testing.synth(stack);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});
