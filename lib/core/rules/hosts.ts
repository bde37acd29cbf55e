import { error, Finding } from "../findings";
import { HostModel, TopologyModel } from "../model";
import { describeHost } from "./capabilities";
import { checkedProcesses } from "./processes";

/**
 * Host addresses: every address is written into brokerIP1, namesrvAddr, dLegerPeers and the proxy's addresses, so it
 * must be an IPv4 address, an IPv6 address or a DNS name (RFC 1123), with no port and no scheme (`hosts/address`).
 *
 * A loopback address on a host whose processes each have a loopback of their own (containers on a Docker bridge
 * network): every broker dials its name servers, slaves their master and raft peers each other at the host's
 * address, and inside such a container 127.0.0.1 is the container itself. The broker never registers, the TCP
 * health check still passes. Reported once, on the host (`hosts/loopback`).
 */
export function checkHosts(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const h of topology.hosts) {
    if (h.unresolved?.includes("address")) continue;
    const bad = addressFinding(h.path, h.address);
    if (bad) findings.push(bad);
  }
  const onHost = new Map<string, string[]>();
  for (const p of checkedProcesses(topology)) {
    const host = p.process.host;
    if (!host.isolatedLoopback || host.unresolved?.includes("address") || !isLoopback(host.address)) continue;
    onHost.set(host.path, [...(onHost.get(host.path) ?? []), p.owner]);
  }
  const hosts = new Map<string, HostModel>(topology.hosts.map((h) => [h.path, h]));
  for (const [path, owners] of onHost) {
    const address = hosts.get(path)?.address ?? "127.0.0.1";
    findings.push(
      error(
        path,
        "hosts/loopback",
        `address ${address} is a loopback address, but each process on this host has a network of its own (${describeHost(hosts.get(path) ?? { path, address })}), where ${address} is the process itself: ` +
          `${owners.sort().join(", ")} would dial one another there and never connect (a broker never registers with its name server), while their TCP health checks still pass.`,
        `give the processes the machine's network (on a DockerHost: networkMode: DockerNetworkMode.HOST; clients on the machine then reach them at ${address}), or set address to an address of the machine that the processes reach.`,
      ),
    );
  }
  return findings;
}

/** The `hosts/address` error of a host at `path` whose address cannot be one, or undefined. */
export function addressFinding(path: string, address: string): Finding | undefined {
  const problem = addressProblem(address);
  if (!problem) return undefined;
  return error(
    path,
    "hosts/address",
    `address ${JSON.stringify(address)} ${problem}`,
    `Set address to the IPv4 address, IPv6 address or DNS name that clients and the other machines reach this machine at, e.g. address: "10.0.0.28".`,
  );
}

/** 127.0.0.0/8, ::1 and the `localhost` names (RFC 6761): addresses that never leave the network stack that dials them. */
export function isLoopback(address: string): boolean {
  const a = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  return (
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) ||
    /^(0{0,4}:){2,7}0{0,3}1$/.test(a) ||
    a === "::1" ||
    a === "localhost" ||
    a.endsWith(".localhost")
  );
}

/** True for an IPv6 address (with or without `[...]`). */
export function isIPv6(address: string): boolean {
  const a = address.replace(/^\[(.*)\]$/, "$1");
  if (!a.includes(":")) return false;
  const [head, zone] = a.split("%");
  if (zone !== undefined && zone === "") return false;
  let groups = head;
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  if (v4) {
    if (!isIPv4(v4[2])) return false;
    groups = `${v4[1]}0:0`;
  }
  const halves = groups.split("::");
  if (halves.length > 2) return false;
  const parts = halves.map((h) => (h === "" ? [] : h.split(":")));
  if (parts.some((p) => p.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g)))) return false;
  const count = parts.reduce((n, p) => n + p.length, 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** True for a dotted-quad IPv4 address, each part 0-255 without leading zeros (which some resolvers read as octal). */
export function isIPv4(address: string): boolean {
  const parts = address.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** Why `address` cannot be a host's address (the rest of a sentence), or undefined when it can. */
export function addressProblem(address: unknown): string | undefined {
  if (typeof address !== "string") return `is a ${address === null ? "null" : typeof address}, not an address.`;
  if (address.trim() === "")
    return "is empty: brokers would register no reachable address and namesrvAddr would list no host.";
  if (address.trim() !== address)
    return "has blanks around it, which would be written into brokerIP1 and namesrvAddr as part of the address.";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address))
    return "is a URL: the address is a bare host (the library adds the ports); the engine's URL goes in dockerHost.";
  if (/^[0-9.]+$/.test(address))
    return isIPv4(address)
      ? undefined
      : "is not an IPv4 address: four numbers 0-255 without leading zeros, separated by dots.";
  if (address.includes(":")) {
    if (isIPv6(address)) return undefined;
    return /^[^:]+:\d+$/.test(address) || /^\[.*\]:\d+$/.test(address)
      ? "includes a port: the address is the host only, each process adds its own port (listenPort, ...)."
      : "is not an IPv6 address.";
  }
  if (address.length > 253) return `is ${address.length} characters: a DNS name has at most 253.`;
  const labels = address.replace(/\.$/, "").split(".");
  const bad = labels.find((l) => !/^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(l));
  if (bad !== undefined) {
    return `is not a DNS name: the part ${JSON.stringify(bad)} ${bad === "" ? "is empty" : bad.length > 63 ? "is longer than 63 characters" : 'has characters other than letters, digits, "-" and "_", or starts or ends with "-"'} (RFC 1123).`;
  }
  if (/^\d+$/.test(labels[labels.length - 1]))
    return "is neither an IPv4 address nor a DNS name (a DNS name does not end in a number).";
  return undefined;
}
