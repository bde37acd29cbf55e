import * as fs from "fs";
import * as path from "path";
import { checkTopology } from "../../lib/core";
import { checkDLedger } from "../../lib/core/rules";
import { showInvisible } from "../../lib/core/findings";
import { ClusterModel, TopologyModel } from "../../lib/core/model";
import { planTopology } from "../../lib/core/plan";
import { parseProperties, renderProperties } from "../../lib/core/render/properties";

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test("the core imports neither cdktf nor constructs", () => {
  const core = path.resolve(__dirname, "../../lib/core");
  for (const f of files(core).filter((f) => f.endsWith(".ts"))) {
    expect({
      file: path.relative(core, f),
      imports: /from "(cdktf|constructs|@cdktf\/[^"]*)"/.test(fs.readFileSync(f, "utf8")),
    }).toEqual({ file: path.relative(core, f), imports: false });
  }
});

describe("properties rendering", () => {
  test("keys are sorted, values escaped for java.util.Properties, no trailing blanks", () => {
    const text = renderProperties(["header "], { b: "2", a: "x\\y", c: "é" });
    expect(text).toBe("# header\na=x\\\\y\nb=2\nc=\\u00e9\n");
    expect(parseProperties(text)).toEqual({ a: "x\\y", b: "2", c: "é" });
  });
});

describe("the core without cdktf", () => {
  const host = (n: number) => ({ path: `h${n}`, address: `10.0.0.${n}`, engine: `ssh://ops@10.0.0.${n}` });
  const jvm = { heapMb: 512, directMemoryMb: 512 };
  const store = (v: string) => ({ volume: v, mountPath: "/home/rocketmq/store" });
  const cluster: ClusterModel = {
    path: "rmq",
    clusterName: "C",
    version: "4.9.8",
    image: "img:4.9.8",
    nameServers: [
      {
        path: "rmq/ns",
        host: host(1),
        containerName: "ns",
        jvm,
        store: store("ns"),
        extraProperties: {},
        listenPort: 9876,
      },
    ],
    controllerGroups: [],
    proxies: [],
    brokerSets: [
      {
        path: "rmq/a",
        brokerName: "a",
        kind: "pair",
        replication: "ASYNC",
        members: [
          {
            path: "rmq/a/master",
            host: host(2),
            containerName: "a0",
            jvm,
            store: store("a0"),
            extraProperties: {},
            brokerId: 0,
            brokerRole: "ASYNC_MASTER",
            flushDiskType: "ASYNC_FLUSH",
            listenPort: 10911,
          },
        ],
      },
    ],
  };
  const topology: TopologyModel = { clusters: [cluster], hosts: [host(1), host(2)] };

  test("a valid model has no findings and one plan per process, name servers first in startAfter", () => {
    expect(checkTopology(topology)).toEqual([]);
    const plans = planTopology(topology);
    expect(plans.map((p) => [p.path, p.kind, p.startAfter])).toEqual([
      ["rmq/a/master", "broker", ["rmq/ns"]],
      ["rmq/ns", "namesrv", []],
    ]);
    expect(parseProperties(plans[0].files[0].content).namesrvAddr).toBe("10.0.0.1:9876");
  });

  describe("version rules, on the model alone", () => {
    const dledgerSet = {
      path: "rmq/g",
      brokerName: "g",
      kind: "dledger" as const,
      members: [1, 2, 3].map((n) => ({
        path: `rmq/g/p${n}`,
        host: host(n),
        containerName: `g${n}`,
        jvm,
        store: store(`g${n}`),
        extraProperties: {},
        brokerId: -1,
        flushDiskType: "ASYNC_FLUSH" as const,
        listenPort: 30911,
        dledger: { selfId: `n${n - 1}`, port: 40911 },
      })),
    };
    const withGroup = (version: string): TopologyModel => ({
      ...topology,
      clusters: [{ ...cluster, version, brokerSets: [dledgerSet] }],
    });

    test("a DLedger group on 5.5.1 is one deprecation warning; on 5.5.0 none", () => {
      expect(checkDLedger(withGroup("5.5.1"))).toEqual([
        expect.objectContaining({ severity: "warning", path: "rmq/g", rule: "dledger/deprecated" }),
      ]);
      expect(checkDLedger(withGroup("5.5.0"))).toEqual([]);
    });

    test("a release without a catalogue is versions/unknown with the closest versions, and the version gates still apply", () => {
      const findings = checkTopology(withGroup("4.4.0"));
      expect(findings.map((f) => [f.path, f.rule])).toEqual([
        ["rmq", "versions/unknown"],
        ["rmq/g", "dledger/version"],
      ]);
      expect(checkTopology({ ...topology, clusters: [{ ...cluster, version: "4.9.6" }] })).toEqual([
        expect.objectContaining({
          rule: "versions/unknown",
          fix: 'Set the cluster\'s `version` to RocketMqVersion.V4_9_5 or RocketMqVersion.V4_9_7 (the closest supported versions; in JavaScript or JSON "4.9.5" or "4.9.7").',
        }),
      ]);
    });

    test("a malformed version is one finding, and no version gate throws on it", () => {
      expect(checkTopology(withGroup("latest")).map((f) => f.rule)).toEqual(["versions/unknown"]);
    });
  });

  test("findings are plain data with path, rule, message and fix", () => {
    const bad: TopologyModel = { ...topology, clusters: [{ ...cluster, nameServers: [] }] };
    expect(checkTopology(bad)).toEqual([
      expect.objectContaining({
        severity: "error",
        path: "rmq",
        rule: "ids/no-namesrv",
        fix: expect.stringContaining("Add at least one NameServer"),
      }),
    ]);
  });
});

describe("showInvisible", () => {
  test.each([
    ["plain name, spaces kept", "plain name, spaces kept"],
    ["a\u200bb", "a\\u200Bb"],
    ["nbsp\u00a0", "nbsp\\u00A0"],
    ["line\nbreak\ttab", "line\\nbreak\\ttab"],
    ["sep\u2028", "sep\\u2028"],
    ["tag\u{E0001}", "tag\\u{E0001}"],
    ["bidi\u202e", "bidi\\u202E"],
    ["é and 中 stay", "é and 中 stay"],
  ])("%j reads %s", (text, shown) => {
    expect(showInvisible(text)).toBe(shown);
  });
});
