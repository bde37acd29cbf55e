import * as fs from "fs";
import * as path from "path";
import { checkTopology } from "../../lib/core";
import { ClusterModel, TopologyModel } from "../../lib/core/model";
import { planTopology } from "../../lib/core/plan";
import { parseProperties, renderProperties } from "../../lib/core/render/properties";

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test("the core imports neither cdktf nor constructs", () => {
  const core = path.resolve(__dirname, "../../lib/core");
  for (const f of files(core).filter((f) => f.endsWith(".ts"))) {
    expect({ file: path.relative(core, f), imports: /from "(cdktf|constructs|@cdktf\/[^"]*)"/.test(fs.readFileSync(f, "utf8")) }).toEqual({ file: path.relative(core, f), imports: false });
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
  const host = (n: number) => ({ path: `h${n}`, address: `10.0.0.${n}` });
  const jvm = { heapMb: 512, directMemoryMb: 512 };
  const store = (v: string) => ({ volume: v, mountPath: "/home/rocketmq/store" });
  const cluster: ClusterModel = {
    path: "rmq",
    clusterName: "C",
    version: "4.9.8",
    image: "img",
    nameServers: [{ path: "rmq/ns", host: host(1), containerName: "ns", jvm, store: store("ns"), extraProperties: {}, listenPort: 9876 }],
    controllerGroups: [],
    proxies: [],
    brokerSets: [
      {
        path: "rmq/a",
        brokerName: "a",
        kind: "pair",
        replication: "ASYNC",
        members: [{ path: "rmq/a/master", host: host(2), containerName: "a0", jvm, store: store("a0"), extraProperties: {}, brokerId: 0, brokerRole: "ASYNC_MASTER", flushDiskType: "ASYNC_FLUSH", listenPort: 10911 }],
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

  test("findings are plain data with path, rule, message and fix", () => {
    const bad: TopologyModel = { ...topology, clusters: [{ ...cluster, nameServers: [] }] };
    expect(checkTopology(bad)).toEqual([
      expect.objectContaining({ severity: "error", path: "rmq", rule: "ids/no-namesrv", fix: expect.stringContaining("Add at least one NameServer") }),
    ]);
  });
});
