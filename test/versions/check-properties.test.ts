import { Finding } from "../../lib/core/findings";
import { checkProperties, PropertySection, PropertyValue } from "../../lib/core/versions";

const PATH = "stack/rmq/broker-a/master";

function check(
  properties: Record<string, unknown>,
  opts: { version?: string; section?: PropertySection; owned?: Record<string, string> } = {},
): Finding[] {
  return checkProperties({
    version: "version" in opts ? (opts.version as string) : "4.9.8",
    section: opts.section ?? "broker",
    properties: properties as Record<string, PropertyValue>,
    owned: opts.owned ?? {},
    path: PATH,
  });
}

/** The only finding for these properties; fails when there are none or several. */
function only(properties: Record<string, unknown>, opts?: Parameters<typeof check>[1]): Finding {
  const findings = check(properties, opts);
  expect(findings).toHaveLength(1);
  return findings[0];
}

describe("unknown keys (keys/unknown)", () => {
  it.each([
    ["dLedgerPeers", "n0-host:40911", "dLegerPeers"],
    ["listenport", "10911", "listenPort"],
    ["brokerIp1", "10.0.0.1", "brokerIP1"],
    ["enableDLedgerCommitLog", "true", "enableDLegerCommitLog"],
    ["lsitenPort", "10911", "listenPort"],
    ["storePathRootdir", "/store", "storePathRootDir"],
  ])("%s is reported with the real key %s suggests", (key, value, real) => {
    const f = only({ [key]: value });
    expect(f).toMatchObject({ severity: "error", rule: "keys/unknown", path: PATH });
    expect(f.message).toContain(`${key}="${value}": ${key} is not a broker key in RocketMQ 4.9.8`);
    expect(f.message).toContain("RocketMQ ignores unknown keys silently");
    expect(f.message).toContain(`Did you mean ${real}?`);
    expect(f.fix).toBe(`Write ${real}=${value} instead of ${key}.`);
  });

  it("a key far from every real key gets no suggestion but points to the catalogue", () => {
    const f = only({ fooBarBaz: 1 });
    expect(f.rule).toBe("keys/unknown");
    expect(f.message).not.toContain("Did you mean");
    expect(f.fix).toContain('keysOf(catalogueFor("4.9.8"), "broker") lists them');
  });

  it("a client-side Netty key in a 4.x name server is unknown there, with where it does apply", () => {
    const f = only({ useTLS: "true" }, { version: "4.7.0", section: "namesrv" });
    expect(f.rule).toBe("keys/unknown");
    expect(f.message).toContain("useTLS is not a name server key in RocketMQ 4.7.0");
    expect(f.message).toContain("useTLS is a broker key in 4.7.0, not a namesrv key.");
    expect(f.message).toContain("RocketMQ 5.0.0–5.5.1 read useTLS for the name server, 4.7.0 does not.");
  });

  it("a key added in a later version names the versions that read it", () => {
    const f = only({ storePathDLedgerCommitLog: "/store/dledger" }, { version: "4.7.0" });
    expect(f.message).toContain("RocketMQ 4.9.4–5.5.1 read storePathDLedgerCommitLog for the broker, 4.7.0 does not.");
  });

  it("a proxy key is checked against rmq-proxy.json's keys (fastjson ignores unknown fields)", () => {
    const f = only({ grpcSeverPort: 8081 }, { version: "5.3.3", section: "proxy" });
    expect(f.rule).toBe("keys/unknown");
    expect(f.message).toContain("fastjson, which ignores unknown fields silently");
    expect(f.message).toContain("Did you mean grpcServerPort?");
  });

  it("a key added in a patch release is read with that release's own keys: timerRocksDBEnable (5.4.0) passes on 5.5.1, not on 5.3.3", () => {
    expect(check({ timerRocksDBEnable: true }, { version: "5.5.1" })).toEqual([]);
    expect(check({ timerRocksDBEnable: true }, { version: "5.4.0" })).toEqual([]);
    const f = only({ timerRocksDBEnable: true }, { version: "5.3.3" });
    expect(f.rule).toBe("keys/unknown");
    expect(f.message).toContain("timerRocksDBEnable is not a broker key in RocketMQ 5.3.3");
    expect(f.message).toContain("RocketMQ 5.4.0–5.5.1 read timerRocksDBEnable for the broker, 5.3.3 does not.");
  });

  it("a version is checked with its own catalogue, not a neighbour's: 4.8.0 reads no storePathDLedgerCommitLog, 4.9.4 does", () => {
    expect(only({ storePathDLedgerCommitLog: "/s" }, { version: "4.8.0" }).message).toContain(
      "is not a broker key in RocketMQ 4.8.0",
    );
    expect(check({ storePathDLedgerCommitLog: "/s" }, { version: "4.9.4" })).toEqual([]);
  });
});

describe("sections whose catalogue lacks classes (keys/unchecked)", () => {
  it("an AuthConfig key on 5.5.1, whose rocketmq-auth Maven Central lacks, is a warning, not an error", () => {
    const f = only({ authenticationEnabled: true }, { version: "5.5.1" });
    expect(f).toMatchObject({ severity: "warning", rule: "keys/unchecked" });
    expect(f.message).toContain(
      "that catalogue lacks AuthConfig (Maven Central has no 5.5.1 jar of its module), so authenticationEnabled may be one of their keys",
    );
    expect(f.message).toContain("RocketMQ 5.3.0–5.5.0 read authenticationEnabled for the broker, 5.5.1 does not.");
    expect(f.fix).toContain("or set the cluster's `version` to one whose catalogue is complete (e.g. 5.5.0).");
  });

  it("a misspelt key near a known one is still an error there", () => {
    const f = only({ listenport: 10911 }, { version: "5.5.1" });
    expect(f).toMatchObject({ severity: "error", rule: "keys/unknown" });
    expect(f.message).toContain("Did you mean listenPort?");
  });

  it("proxy properties on 5.5.1 (no rocketmq-proxy 5.5.1 on Maven Central) cannot be checked: warnings", () => {
    const findings = check({ grpcServerPort: 8081, remotingListenPort: 8080 }, { version: "5.5.1", section: "proxy" });
    expect(findings.map((f) => [f.severity, f.rule])).toEqual([
      ["warning", "keys/unchecked"],
      ["warning", "keys/unchecked"],
    ]);
    expect(findings[0].message).toContain("lacks ProxyConfig, AuthConfig");
  });

  it("values of known keys are still checked there", () => {
    expect(only({ brokerRole: "sync_master" }, { version: "5.5.1" }).rule).toBe("keys/bad-value");
  });
});

describe("store path keys tutorials write (keys/not-a-key)", () => {
  it.each([
    ["storePathConsumeQueue", "consumequeue"],
    ["storePathIndex", "index"],
    ["storeCheckpoint", "checkpoint"],
    ["abortFile", "abort"],
  ])("%s is no key: RocketMQ always uses ${storePathRootDir}/%s", (key, dir) => {
    for (const version of ["4.7.0", "4.9.8", "5.3.3"]) {
      const f = only({ [key]: "/data/x" }, { version });
      expect(f).toMatchObject({ severity: "error", rule: "keys/not-a-key" });
      expect(f.message).toContain(
        `${key}="/data/x": ${key} is not a RocketMQ key in any version (RocketMQ ${version} included)`,
      );
      expect(f.message).toContain(`\${storePathRootDir}/${dir}`);
      expect(f.message).toContain("StorePathConfigHelper");
      expect(f.fix).toBe(
        `Remove ${key} and set storePathRootDir to the store root instead (RocketMQ then uses \${storePathRootDir}/${dir}).`,
      );
    }
  });
});

describe("values RocketMQ would not parse (keys/bad-value)", () => {
  it.each([
    [
      "listenPort",
      "10911 ",
      "the value has leading or trailing blanks, which Integer.parseInt rejects",
      "Write listenPort=10911.",
    ],
    [
      "listenPort",
      " 10911",
      "the value has leading or trailing blanks, which Integer.parseInt rejects",
      "Write listenPort=10911.",
    ],
    ["listenPort", "abc", "the value is not an integer between -2147483648 and 2147483647", "e.g. listenPort=10911."],
    [
      "listenPort",
      "2147483648",
      "the value is not an integer between -2147483648 and 2147483647",
      "e.g. listenPort=10911.",
    ],
    ["listenPort", 10911.5, "the value is not an integer", "e.g. listenPort=10911."],
    ["listenPort", "", "the value is not an integer", "e.g. listenPort=10911."],
    ["listenPort", "0x2A9F", "the value is not an integer", "e.g. listenPort=10911."],
    [
      "brokerId",
      "9223372036854775808",
      "the value is not an integer between -9223372036854775808 and 9223372036854775807 (Java long",
      "e.g. brokerId=0.",
    ],
  ])("int/long %s=%j", (key, value, reason, fix) => {
    const f = only({ [key]: value });
    expect(f).toMatchObject({ severity: "error", rule: "keys/bad-value" });
    expect(f.message).toContain(`${key}=${JSON.stringify(String(value))} for the broker in RocketMQ 4.9.8: ${reason}`);
    expect(f.message).toContain("swallows the parse error and keeps the default");
    expect(f.fix).toContain(fix);
  });

  it("names the default RocketMQ silently keeps", () => {
    expect(only({ listenPort: "10911 " }).message).toContain("keeps the default 10911 without a word");
    expect(only({ fileReservedTime: "48h" }).message).toContain("keeps the default 72 without a word");
  });

  it.each([
    ["yes", "Write autoCreateTopicEnable=true or autoCreateTopicEnable=false."],
    ["true ", "Write autoCreateTopicEnable=true."],
    ["", "Write autoCreateTopicEnable=true or autoCreateTopicEnable=false."],
    ["1", "Write autoCreateTopicEnable=true or autoCreateTopicEnable=false."],
  ])("boolean autoCreateTopicEnable=%j is silently false", (value, fix) => {
    const f = only({ autoCreateTopicEnable: value });
    expect(f.rule).toBe("keys/bad-value");
    expect(f.message).toContain('Boolean.parseBoolean reads anything but "true"');
    expect(f.message).toContain("autoCreateTopicEnable would silently be false");
    expect(f.fix).toBe(fix);
  });

  it.each(["0.8x", " 0.8", "", "0,8"])("double logicalDiskSpaceCleanForciblyThreshold=%j (5.3.3)", (value) => {
    const f = only({ logicalDiskSpaceCleanForciblyThreshold: value }, { version: "5.3.3" });
    expect(f.rule).toBe("keys/bad-value");
    expect(f.message).toContain("logicalDiskSpaceCleanForciblyThreshold=");
    expect(f.message).toContain("keeps the default 0.8");
  });

  it.each([
    ["4.9.8", "RocketMQ 4.x keeps them as part of the value"],
    ["5.3.3", "RocketMQ 5.x trims String values, but RocketMQ 4.x keeps the blanks"],
  ])("String values with surrounding blanks are errors in %s", (version, behaviour) => {
    const f = only({ brokerClusterName: "DefaultCluster " }, { version });
    expect(f.rule).toBe("keys/bad-value");
    expect(f.message).toContain(
      `brokerClusterName="DefaultCluster " for the broker in RocketMQ ${version}: the value has leading or trailing blanks`,
    );
    expect(f.message).toContain(behaviour);
    expect(f.fix).toBe("Write brokerClusterName=DefaultCluster.");
  });

  it("a value with a line break is an error whatever the type", () => {
    for (const [key, value] of [
      ["brokerClusterName", "a\nb"],
      ["listenPort", "10911\r\n"],
      ["namesrvAddr", "h:9876\nlistenPort=1"],
    ]) {
      const f = only({ [key]: value });
      expect(f.rule).toBe("keys/bad-value");
      expect(f.message).toContain("the value contains a line break");
      expect(f.fix).toContain("on one line");
    }
  });

  it("a value that is not a string, number or boolean is reported, not thrown", () => {
    expect(only({ listenPort: undefined }).message).toContain(
      "the value is a undefined, not a string, number or boolean.",
    );
    expect(only({ listenPort: null }).message).toContain("the value is a null");
    expect(only({ listenPort: { port: 1 } }).rule).toBe("keys/bad-value");
  });

  it("a proxy value is checked against the JSON field's type", () => {
    const f = only({ grpcServerPort: "80 81" }, { version: "5.3.3", section: "proxy" });
    expect(f.rule).toBe("keys/bad-value");
    expect(f.message).toContain("the proxy binds rmq-proxy.json with fastjson");
  });
});

describe("enum values (keys/bad-value)", () => {
  it("brokerRole=sync_master: values are case-sensitive, did you mean SYNC_MASTER", () => {
    const f = only({ brokerRole: "sync_master" });
    expect(f.rule).toBe("keys/bad-value");
    expect(f.message).toContain(
      'brokerRole="sync_master" for the broker in RocketMQ 4.9.8: the value is not one of ASYNC_MASTER, SYNC_MASTER, SLAVE',
    );
    expect(f.message).toContain("case-sensitive (Enum.valueOf)");
    expect(f.message).toContain("keeps the default ASYNC_MASTER without a word");
    expect(f.message).toContain("Did you mean SYNC_MASTER?");
    expect(f.fix).toBe("Write brokerRole=SYNC_MASTER.");
  });

  it("flushDiskType=SYNC lists the allowed values", () => {
    const f = only({ flushDiskType: "SYNC" });
    expect(f.message).toContain("the value is not one of SYNC_FLUSH, ASYNC_FLUSH");
    expect(f.message).not.toContain("Did you mean");
    expect(f.fix).toBe("Write flushDiskType as one of SYNC_FLUSH, ASYNC_FLUSH (exact case).");
  });

  it("an enum value with blanks is an error", () => {
    expect(only({ brokerRole: "SLAVE " }).message).toContain("has leading or trailing blanks and is not one of");
  });

  it("metricsExporterType takes an enum name or an int (two setters)", () => {
    expect(check({ metricsExporterType: "PROM" }, { version: "5.3.3" })).toEqual([]);
    expect(check({ metricsExporterType: 2 }, { version: "5.3.3" })).toEqual([]);
    const f = only({ metricsExporterType: "prom" }, { version: "5.3.3" });
    expect(f.message).toContain("is not one of DISABLE, OTLP_GRPC, PROM, LOG (or an int)");
    expect(f.fix).toBe("Write metricsExporterType=PROM.");
  });
});

describe("keys the constructs own (keys/owned)", () => {
  const owned = { brokerName: "BrokerPair id", listenPort: "listenPort" };

  it("points to the construct prop instead of silently overriding it", () => {
    const f = only({ brokerName: "broker-x" }, { owned });
    expect(f).toMatchObject({ severity: "error", rule: "keys/owned", path: PATH });
    expect(f.message).toContain('brokerName="broker-x": brokerName is generated by the construct from `BrokerPair id`');
    expect(f.fix).toBe("Set `BrokerPair id` instead and remove brokerName from the extra properties.");
  });

  it("is the only finding for an owned key, even with a bad value", () => {
    expect(check({ listenPort: "abc" }, { owned }).map((f) => f.rule)).toEqual(["keys/owned"]);
  });

  it("does not confuse object prototype names with owned keys", () => {
    expect(check({ toString: "x" }, { owned }).map((f) => f.rule)).toEqual(["keys/unknown"]);
  });
});

describe("keys read only when a feature is on (keys/inactive, warning)", () => {
  it("a tiered store key without the tiered store plugin", () => {
    const f = only({ tieredStoreFilePath: "/tiered" }, { version: "5.3.3" });
    expect(f).toMatchObject({ severity: "warning", rule: "keys/inactive" });
    expect(f.message).toContain("read only by the tiered store plugin in RocketMQ 5.3.3");
    expect(f.fix).toContain("messageStorePlugIn=org.apache.rocketmq.tieredstore.TieredMessageStore");
  });

  it("no warning with the plugin set here or by the construct", () => {
    const plugin = { messageStorePlugIn: "org.apache.rocketmq.tieredstore.TieredMessageStore" };
    expect(check({ ...plugin, tieredStoreFilePath: "/tiered" }, { version: "5.3.3" })).toEqual([]);
    expect(
      check({ tieredStoreFilePath: "/tiered" }, { version: "5.3.3", owned: { messageStorePlugIn: "tieredStore" } }),
    ).toEqual([]);
  });

  it("a controller key in a 5.x name server without enableControllerInNamesrv=true", () => {
    const f = only({ controllerDLegerGroup: "group1" }, { version: "5.3.3", section: "namesrv" });
    expect(f).toMatchObject({ severity: "warning", rule: "keys/inactive" });
    expect(f.message).toContain(
      "reads controllerDLegerGroup (ControllerConfig) only when enableControllerInNamesrv=true",
    );
    expect(
      check({ controllerDLegerGroup: "g", enableControllerInNamesrv: true }, { version: "5.3.3", section: "namesrv" }),
    ).toEqual([]);
    expect(
      check(
        { controllerDLegerGroup: "g" },
        { version: "5.3.3", section: "namesrv", owned: { enableControllerInNamesrv: "controller" } },
      ),
    ).toEqual([]);
  });
});

describe("versions and sections", () => {
  it("an unsupported version is one finding, not an exception", () => {
    const f = only({ listenPort: 1 }, { version: "3.2.6" });
    expect(f.rule).toBe("versions/unsupported");
    expect(f.message).toContain("RocketMQ 3.2.6 is not supported");
    expect(f.message).toContain("The closest supported versions are 4.5.0.");
    expect(f.fix).toBe("Use one of the supported RocketMQ versions, e.g. 4.5.0.");
    expect(only({ listenPort: 1 }, { version: "4.9" }).message).toContain('Malformed RocketMQ version "4.9"');
  });

  it("a section the version does not have is one finding", () => {
    const f = only({ grpcServerPort: 8081 }, { version: "4.9.8", section: "proxy" });
    expect(f.rule).toBe("keys/section-unavailable");
    expect(f.message).toContain("RocketMQ 4.9.8 has no proxy configuration (it has: broker, namesrv)");
    expect(f.fix).toContain("e.g. 5.5.0");
  });

  it("a section no version has is one finding listing the sections", () => {
    const f = only({ a: 1 }, { section: "brokr" as PropertySection });
    expect(f.rule).toBe("keys/section-unavailable");
    expect(f.fix).toBe("Use one of the sections broker, namesrv, controller, proxy.");
  });

  it("a missing version is a finding, not an exception", () => {
    expect(only({ a: 1 }, { version: undefined as unknown as string }).message).toContain(
      'Malformed RocketMQ version "undefined"',
    );
  });

  it("no properties, no findings, whatever the version", () => {
    expect(check({}, { version: "3.0.0" })).toEqual([]);
  });
});

describe("all problems at once, in a stable order", () => {
  const props = {
    storePathIndex: "/x",
    listenPort: "10911 ",
    dLedgerPeers: "n0-h:1",
    brokerRole: "sync_master",
    brokerName: "b",
    deleteWhen: "04",
  };

  it("reports every bad key, sorted by key", () => {
    const findings = check(props, { owned: { brokerName: "BrokerPair id" } });
    expect(findings.map((f) => [f.message.split("=")[0], f.rule])).toEqual([
      ["brokerName", "keys/owned"],
      ["brokerRole", "keys/bad-value"],
      ["dLedgerPeers", "keys/unknown"],
      ["listenPort", "keys/bad-value"],
      ["storePathIndex", "keys/not-a-key"],
    ]);
  });

  it("does not depend on the order the keys were written in", () => {
    const reversed = Object.fromEntries(Object.entries(props).reverse());
    expect(check(reversed)).toEqual(check(props));
  });
});

describe("valid values", () => {
  it.each<[string, PropertyValue]>([
    ["listenPort", "30911"],
    ["listenPort", 30911],
    ["listenPort", "+30911"],
    ["brokerId", "-1"],
    ["brokerId", "9223372036854775807"],
    ["autoCreateTopicEnable", "TRUE"],
    ["autoCreateTopicEnable", false],
    ["brokerClusterName", ""],
    ["brokerClusterName", 42],
    ["brokerRole", "SLAVE"],
    ["flushDiskType", "SYNC_FLUSH"],
  ])("%s=%j gives no finding", (key, value) => {
    expect(check({ [key]: value })).toEqual([]);
  });

  it.each(["0.8", "1", "1e-3", ".5", "-0.25", "1.0d"])("double %s gives no finding", (value) => {
    expect(check({ logicalDiskSpaceCleanForciblyThreshold: value }, { version: "5.3.3" })).toEqual([]);
  });
});
