import {
  catalogueFor,
  closestSupported,
  compareVersions,
  defaultOf,
  hasKey,
  hasSection,
  keySpec,
  keysOf,
  MACHINE_DEPENDENT,
  parseVersion,
  sectionsOf,
  SUPPORTED_VERSIONS,
  versionAtLeast,
} from "../../lib/core/versions/catalogue";

describe("supported versions", () => {
  it("are every release from 4.5.0 to 5.5.1 whose configuration jars Maven Central serves, ascending", () => {
    expect(SUPPORTED_VERSIONS).toHaveLength(29);
    expect(SUPPORTED_VERSIONS[0]).toBe("4.5.0");
    expect(SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1]).toBe("5.5.1");
    expect([...SUPPORTED_VERSIONS].sort(compareVersions)).toEqual(SUPPORTED_VERSIONS);
    expect(SUPPORTED_VERSIONS).toEqual(
      expect.arrayContaining(["4.7.0", "4.9.5", "4.9.7", "4.9.8", "5.0.0", "5.1.3", "5.3.3", "5.4.0", "5.5.0"]),
    );
  });

  it.each(["4.9.6", "5.1.2", "5.3.4"])("leave out %s, whose server configuration jars Maven Central lacks", (v) => {
    expect(SUPPORTED_VERSIONS).not.toContain(v);
  });
});

describe("catalogueFor is exact", () => {
  it.each(["4.5.0", "4.7.0", "4.9.7", "4.9.8", "5.0.0", "5.3.3", "5.4.0", "5.5.1"])(
    "RocketMQ %s has its own catalogue",
    (v) => {
      expect(catalogueFor(v).version).toBe(v);
    },
  );

  it.each([
    ["4.4.0", "4.5.0", "not a release whose configuration jars Maven Central serves, or older than 4.5.0"],
    ["4.9.6", "4.9.5 and 4.9.7", "Maven Central has no rocketmq-store, -broker or -namesrv 4.9.6"],
    ["5.1.2", "5.1.1 and 5.1.3", "Maven Central has no rocketmq-store, -broker or -namesrv 5.1.2"],
    ["5.3.4", "5.3.3 and 5.4.0", "Maven Central has no rocketmq-common, -remoting or -client 5.3.4"],
    ["4.9.9", "4.9.8 and 5.0.0", "no key catalogue"],
    ["5.6.0", "5.5.1", "no key catalogue"],
    ["3.2.6", "4.5.0", "no key catalogue"],
  ])("RocketMQ %s is an error naming the closest supported versions (%s) and why", (v, closest, why) => {
    expect(() => catalogueFor(v)).toThrow(`RocketMQ ${v} is not supported: `);
    expect(() => catalogueFor(v)).toThrow(why);
    expect(() => catalogueFor(v)).toThrow(`The closest supported versions are ${closest}.`);
    expect(() => catalogueFor(v)).toThrow(`Supported versions: ${SUPPORTED_VERSIONS.join(", ")}.`);
    expect(closestSupported(v).join(" and ")).toBe(closest);
  });

  it.each(["4.9", "latest", "", "4.9.8-SNAPSHOT", "v4.9.8", "4.9.8 "])(
    "a malformed version (%j) is an error listing the supported versions",
    (v) => {
      expect(() => catalogueFor(v)).toThrow(`Malformed RocketMQ version "${v}": expected major.minor.patch`);
      expect(() => catalogueFor(v)).toThrow(`Supported versions: ${SUPPORTED_VERSIONS.join(", ")}.`);
    },
  );

  it("reads a key added in a patch release only from that release on (timerRocksDBEnable: 5.4.0)", () => {
    expect(hasKey(catalogueFor("5.5.1"), "broker", "timerRocksDBEnable")).toBe(true);
    expect(hasKey(catalogueFor("5.4.0"), "broker", "timerRocksDBEnable")).toBe(true);
    expect(hasKey(catalogueFor("5.3.3"), "broker", "timerRocksDBEnable")).toBe(false);
  });

  it("knows where the DLedger keys start (4.5.0) and where storePathDLedgerCommitLog does", () => {
    expect(hasKey(catalogueFor("4.5.0"), "broker", "enableDLegerCommitLog")).toBe(true);
    expect(hasKey(catalogueFor("4.7.0"), "broker", "storePathDLedgerCommitLog")).toBe(false);
    expect(hasKey(catalogueFor("4.9.8"), "broker", "storePathDLedgerCommitLog")).toBe(true);
  });

  it("marks the DLedger commit log deprecated in 5.5.1 only (its setter is @Deprecated there)", () => {
    expect(keySpec(catalogueFor("5.5.1"), "broker", "enableDLegerCommitLog")?.deprecated).toBe(true);
    for (const v of SUPPORTED_VERSIONS.filter((x) => x !== "5.5.1")) {
      expect({ v, deprecated: keySpec(catalogueFor(v), "broker", "enableDLegerCommitLog")?.deprecated }).toEqual({
        v,
        deprecated: undefined,
      });
    }
  });

  it("says which classes a release lacks on Maven Central, and has no keys from them", () => {
    expect(catalogueFor("5.5.1").missing).toEqual({ broker: ["AuthConfig"], proxy: ["ProxyConfig", "AuthConfig"] });
    expect(keysOf(catalogueFor("5.5.1"), "proxy")).toEqual([]);
    expect(hasKey(catalogueFor("5.5.0"), "broker", "authenticationEnabled")).toBe(true);
    expect(hasKey(catalogueFor("5.5.1"), "broker", "authenticationEnabled")).toBe(false);
    expect(catalogueFor("5.3.0").missing).toEqual({ proxy: ["ProxyConfig"] });
    expect(catalogueFor("5.5.0").missing).toEqual({});
    expect(catalogueFor("4.9.8").missing).toEqual({});
  });

  it("reads the controller keys in a 5.x name server only with enableControllerInNamesrv from 5.1.0 on (always in 5.0.0)", () => {
    expect(keySpec(catalogueFor("5.0.0"), "namesrv", "controllerDLegerPeers")?.condition).toBeUndefined();
    expect(keySpec(catalogueFor("5.1.0"), "namesrv", "controllerDLegerPeers")?.condition).toBe(
      "namesrvConfig.isEnableControllerInNamesrv()",
    );
    expect(keySpec(catalogueFor("5.5.0"), "namesrv", "controllerDLegerPeers")?.condition).toBe(
      "namesrvConfig.isEnableControllerInNamesrv()",
    );
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
  it("list the sections of each version: controller and proxy only in 5.x, the tiered store plugin from 5.1.0", () => {
    expect(sectionsOf(catalogueFor("4.7.0"))).toEqual(["broker", "namesrv"]);
    expect(sectionsOf(catalogueFor("5.0.0"))).toEqual(["broker", "namesrv", "controller", "proxy"]);
    expect(sectionsOf(catalogueFor("5.1.0"))).toEqual([
      "broker",
      "namesrv",
      "controller",
      "proxy",
      "tieredStorePlugin",
    ]);
    expect(sectionsOf(catalogueFor("5.3.3"))).toEqual([
      "broker",
      "namesrv",
      "controller",
      "proxy",
      "tieredStorePlugin",
    ]);
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
    expect(defaultOf(keySpec(catalogueFor("4.9.8"), "broker", "storePathRootDir")!)).toBe("${user.home}/store");
    expect(defaultOf(keySpec(catalogueFor("4.9.8"), "broker", "maxMessageSize")!)).toBe("4194304"); // 1024 * 1024 * 4
    expect(defaultOf(keySpec(catalogueFor("4.9.8"), "broker", "brokerIP1")!)).toBe("${localAddress}");
    const threads = keySpec(catalogueFor("5.3.3"), "broker", "sendMessageThreadPoolNums")!; // Math.min(PROCESSOR_NUMBER, 4)
    expect(threads.machineDependent).toBe(true);
    expect(defaultOf(threads)).toBe(MACHINE_DEPENDENT);
    expect(keySpec(catalogueFor("4.9.8"), "broker", "nope")).toBeUndefined();
  });
});
