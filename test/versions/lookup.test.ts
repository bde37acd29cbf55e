import {
  catalogueFor,
  catalogueVersionFor,
  compareVersions,
  defaultOf,
  hasKey,
  hasSection,
  keySpec,
  keysOf,
  parseVersion,
  sectionsOf,
  SUPPORTED_VERSIONS,
  versionAtLeast,
} from "../../lib/core/versions/catalogue";

describe("supported versions", () => {
  it("are the three catalogued releases, ascending", () => {
    expect(SUPPORTED_VERSIONS).toEqual(["4.7.0", "4.9.8", "5.3.3"]);
  });
});

describe("catalogueFor picks the nearest catalogue of the same major", () => {
  it.each([
    ["4.7.0", "4.7.0"],
    ["4.9.8", "4.9.8"],
    ["5.3.3", "5.3.3"],
    ["4.5.0", "4.7.0"], // older than every 4.x catalogue: the smallest 4.x one
    ["4.0.0", "4.7.0"],
    ["4.8.0", "4.7.0"], // greatest catalogue <= 4.8.0
    ["4.9.7", "4.7.0"],
    ["4.9.9", "4.9.8"],
    ["4.10.0", "4.9.8"], // numeric, not string, comparison
    ["5.0.0", "5.3.3"],
    ["5.5.1", "5.3.3"],
  ])("RocketMQ %s uses the %s catalogue", (asked, used) => {
    expect(catalogueVersionFor(asked)).toBe(used);
    expect(catalogueFor(asked).version).toBe(used);
  });

  it.each(["3.2.6", "6.0.0", "2.0.0"])("a major without a catalogue (%s) is an error listing the supported versions", (v) => {
    expect(() => catalogueFor(v)).toThrow(`RocketMQ ${v} is not supported: no key catalogue for major version`);
    expect(() => catalogueFor(v)).toThrow("Supported versions: 4.7.0, 4.9.8, 5.3.3");
  });

  it.each(["4.9", "latest", "", "4.9.8-SNAPSHOT", "v4.9.8", "4.9.8 "])("a malformed version (%j) is an error listing the supported versions", (v) => {
    expect(() => catalogueFor(v)).toThrow(`Malformed RocketMQ version "${v}": expected major.minor.patch`);
    expect(() => catalogueFor(v)).toThrow("Supported versions: 4.7.0, 4.9.8, 5.3.3");
  });
});

describe("version helpers", () => {
  it("parse major.minor.patch only", () => {
    expect(parseVersion("4.9.8")).toEqual([4, 9, 8]);
    expect(parseVersion("4.9")).toBeUndefined();
  });

  it("compare numerically", () => {
    expect(compareVersions("4.10.0", "4.9.8")).toBeGreaterThan(0);
    expect(compareVersions("4.9.8", "4.9.8")).toBe(0);
    expect(compareVersions("4.7.0", "5.0.0")).toBeLessThan(0);
  });

  it("gate on a minimum version", () => {
    expect(versionAtLeast("4.9.8", "4.5.0")).toBe(true);
    expect(versionAtLeast("4.5.0", "4.5.0")).toBe(true);
    expect(versionAtLeast("4.4.0", "4.5.0")).toBe(false);
    expect(versionAtLeast("5.3.3", "5.0.0")).toBe(true);
    expect(() => versionAtLeast("4.9", "4.5.0")).toThrow('Malformed RocketMQ version "4.9"');
  });
});

describe("catalogue accessors", () => {
  it("list the sections of each version: controller and proxy only in 5.x", () => {
    expect(sectionsOf(catalogueFor("4.7.0"))).toEqual(["broker", "namesrv"]);
    expect(sectionsOf(catalogueFor("5.3.3"))).toEqual(["broker", "namesrv", "controller", "proxy", "tieredStorePlugin"]);
    expect(hasSection(catalogueFor("4.9.8"), "proxy")).toBe(false);
    expect(keysOf(catalogueFor("4.9.8"), "proxy")).toEqual([]);
  });

  it("list the keys of a section, sorted", () => {
    const keys = keysOf(catalogueFor("4.7.0"), "broker");
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining(["brokerName", "listenPort", "dLegerPeers", "storePathRootDir"]));
    expect(keys).toHaveLength(166);
  });

  it("know keys by their exact spelling only", () => {
    const c = catalogueFor("4.9.8");
    expect(hasKey(c, "broker", "dLegerPeers")).toBe(true);
    expect(hasKey(c, "broker", "dLedgerPeers")).toBe(false);
    expect(hasKey(c, "broker", "brokerIP1")).toBe(true);
    expect(hasKey(c, "broker", "brokerIp1")).toBe(false);
    expect(hasKey(c, "broker", "storePathConsumeQueue")).toBe(false);
    expect(hasKey(c, "broker", "toString")).toBe(false); // no prototype leaks
    expect(hasKey(c, "namesrv", "useTLS")).toBe(false); // no NettyClientConfig in a 4.x name server
    expect(hasKey(catalogueFor("5.3.3"), "namesrv", "useTLS")).toBe(true);
  });

  it("give a key's types, defaults and enum values", () => {
    const role = keySpec(catalogueFor("4.7.0"), "broker", "brokerRole");
    expect(role?.types).toEqual(["String"]);
    expect(role?.enumValues).toEqual(["ASYNC_MASTER", "SYNC_MASTER", "SLAVE"]);
    expect(defaultOf(role!)).toBe("ASYNC_MASTER");

    const port = keySpec(catalogueFor("4.9.8"), "broker", "listenPort")!;
    expect(port.types).toEqual(["int"]);
    expect(port.default).toBe("8888");
    expect(port.effectiveDefault).toBe("10911");
    expect(defaultOf(port)).toBe("10911");

    expect(defaultOf(keySpec(catalogueFor("4.9.8"), "broker", "deleteWhen")!)).toBe("04");
    expect(keySpec(catalogueFor("4.9.8"), "broker", "nope")).toBeUndefined();
  });
});
