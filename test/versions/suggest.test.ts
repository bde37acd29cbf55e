import { editDistance, parses, suggestKeys } from "../../lib/core/versions";

describe("edit distance", () => {
  it("counts insertions, deletions, substitutions and neighbour swaps as one", () => {
    expect(editDistance("dledgerpeers", "dlegerpeers")).toBe(1);
    expect(editDistance("lsitenport", "listenport")).toBe(1);
    expect(editDistance("abc", "abc")).toBe(0);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});

describe("key suggestions", () => {
  const keys = ["brokerIP1", "brokerIP2", "listenPort", "haListenPort", "dLegerPeers", "dLegerGroup"];

  it("prefer a case-insensitive match", () => {
    expect(suggestKeys("brokerip1", keys)).toEqual(["brokerIP1"]);
    expect(suggestKeys(" LISTENPORT", keys)).toEqual(["listenPort"]);
  });

  it("otherwise return the closest keys within a distance that grows with the key's length", () => {
    expect(suggestKeys("dLedgerPeers", keys)).toEqual(["dLegerPeers"]);
    expect(suggestKeys("brokerIP", keys)).toEqual(["brokerIP1", "brokerIP2"]);
    expect(suggestKeys("completelyDifferent", keys)).toEqual([]);
    expect(suggestKeys("", keys)).toEqual([]);
  });
});

describe("Java parsing, strict", () => {
  it("int: optional sign and digits, within int32", () => {
    expect(parses("int", "2147483647")).toBe(true);
    expect(parses("int", "-2147483648")).toBe(true);
    expect(parses("int", "2147483648")).toBe(false);
    expect(parses("int", "1 ")).toBe(false);
    expect(parses("int", "1_000")).toBe(false);
  });

  it("boolean: true or false in any case, nothing else", () => {
    expect(parses("boolean", "True")).toBe(true);
    expect(parses("boolean", "on")).toBe(false);
  });
});
