import { checkProperties, PropertySection } from "../../lib/core/versions";
import { exampleText, loadJavaProperties as parseProperties } from "../examples/effective";

/**
 * The official example configs shipped in RocketMQ's distribution/conf (test/fixtures/rocketmq-examples, a copy of
 * shared/reference/rocketmq/examples) only use real keys with well-formed values, so checking them gives no findings.
 */
function example(file: string): string {
  const slash = file.indexOf("/");
  return exampleText(file.slice(0, slash), file.slice(slash + 1));
}

function findingsOf(version: string, section: PropertySection, properties: Record<string, string | number | boolean>) {
  return checkProperties({ version, section, properties, owned: {}, path: `examples/${version}` });
}

const VERSIONS = ["4.7.0", "4.9.8", "5.3.3"];
const BROKER_FILES = [
  "2m-2s-sync/broker-a.properties",
  "2m-2s-sync/broker-a-s.properties",
  "2m-2s-sync/broker-b.properties",
  "2m-2s-sync/broker-b-s.properties",
  "2m-2s-async/broker-a.properties",
  "2m-2s-async/broker-a-s.properties",
  "2m-noslave/broker-a.properties",
  "2m-noslave/broker-trace.properties",
  "broker.conf",
  "dledger/broker-n0.conf",
  "dledger/broker-n1.conf",
  "dledger/broker-n2.conf",
];

describe("the official example configs give no findings", () => {
  it("the parser reads the 2m-2s-sync master as RocketMQ does", () => {
    expect(parseProperties(example("4.7.0/2m-2s-sync/broker-a.properties"))).toEqual({
      brokerClusterName: "DefaultCluster",
      brokerName: "broker-a",
      brokerId: "0",
      deleteWhen: "04",
      fileReservedTime: "48",
      brokerRole: "SYNC_MASTER",
      flushDiskType: "ASYNC_FLUSH",
    });
  });

  for (const version of VERSIONS) {
    it.each(BROKER_FILES)(`${version} broker %s`, (file) => {
      const properties = parseProperties(example(`${version}/${file}`));
      expect(Object.keys(properties).length).toBeGreaterThan(0);
      expect(findingsOf(version, "broker", properties)).toEqual([]);
    });
  }

  it.each([
    ["controller/quick-start/broker-n0.conf", "broker"],
    ["controller/quick-start/broker-n1.conf", "broker"],
    ["controller/quick-start/namesrv.conf", "namesrv"],
    ["controller/controller-standalone.conf", "controller"],
    ["controller/cluster-3n-independent/controller-n0.conf", "controller"],
    ["controller/cluster-3n-namesrv-plugin/namesrv-n0.conf", "namesrv"],
    ["container/2container-2m-2s/broker-a-in-container1.conf", "broker"],
    ["container/2container-2m-2s/nameserver.conf", "namesrv"],
  ] as const)("5.3.3 %s (%s)", (file, section) => {
    // The namesrv-plugin files open with an XML licence comment that Properties would read as junk keys
    // (which RocketMQ ignores); strip it to check the real keys.
    const text = example(`5.3.3/${file}`).replace(/<!--[\s\S]*?-->/g, "");
    const properties = parseProperties(text);
    expect(Object.keys(properties).length).toBeGreaterThan(0);
    expect(findingsOf("5.3.3", section, properties)).toEqual([]);
  });

  it("5.3.3 rmq-proxy.json (proxy)", () => {
    const properties = JSON.parse(example("5.3.3/rmq-proxy.json")) as Record<string, string>;
    expect(findingsOf("5.3.3", "proxy", properties)).toEqual([]);
  });

  it("but the XML comment junk of the namesrv-plugin files is reported as unknown keys", () => {
    const properties = parseProperties(example("5.3.3/controller/cluster-3n-namesrv-plugin/namesrv-n0.conf"));
    const unknown = findingsOf("5.3.3", "namesrv", properties).filter((f) => f.rule === "keys/unknown");
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.map((f) => f.message.split("=")[0])).toContain("<!--");
  });
});
