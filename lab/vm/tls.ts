// TLS in the VM lab: which of a stack's variables are PEM files (found from what the servers' tls.properties names, in
// RocketMQ's own keys, never from the variables' names), the certificates openssl makes for the machines' addresses as
// their values, the scenario of a secured VM stack that enforces TLS (seed-tls-vm), and where the private key is on a
// booted machine.
import * as fs from "fs";
import * as path from "path";
import { Ctx } from "../checks";
import { brokerExpect } from "../deployment";
import { securedPair } from "../scenarios";
import { Container, parseProperties } from "../stack";
import {
  INSECURE_LINE,
  LabCertificates,
  checkPlaintextRefused,
  checkPresentedCertificates,
  clientTlsOptions,
} from "../tls";
import { filesUnder } from "../util";
import { UnitProc, VmDeployment } from "./deployment";
import { Machine } from "./machines";
import { VmDoc } from "./userdata";

/** What a PEM variable is to the servers: tls.properties' `tls.server.certPath`, `tls.server.keyPath`, `tls.client.trustCertPath`. */
export type PemRole = "certificate" | "privateKey" | "ca";

const ROLE_OF_KEY: Record<string, PemRole> = {
  "tls.server.certPath": "certificate",
  "tls.server.keyPath": "privateKey",
  "tls.client.trustCertPath": "ca",
  "tls.server.trustCertPath": "ca",
};

/**
 * The stack's variables whose value is the whole of a file a server's tls.properties names as its certificate, its
 * private key or its CA. `values`: the lab's values of the stack's variables (the files read with them resolved).
 */
export function pemVariables(
  containers: readonly Container[],
  values: Readonly<Record<string, string>>,
): Record<string, PemRole> {
  const out: Record<string, PemRole> = {};
  for (const c of containers) {
    const conf = c.uploads.find((u) => path.posix.basename(u.file) === "tls.properties");
    if (!conf) continue;
    for (const [key, file] of Object.entries(parseProperties(conf.content))) {
      const role = ROLE_OF_KEY[key];
      const content = c.uploads.find((u) => u.file === file.trim())?.content;
      if (!role || content === undefined) continue;
      for (const v of Object.keys(values).filter((n) => values[n] === content)) {
        if (out[v] && out[v] !== role) throw new Error(`${c.name}: variable ${v} is both ${out[v]} and ${role}`);
        out[v] = role;
      }
    }
  }
  return out;
}

/** The PEM of the lab's certificates for a role. */
export function pemOf(certs: LabCertificates, role: PemRole): string {
  return role === "certificate" ? certs.certPem : role === "privateKey" ? certs.keyPem : certs.caPem;
}

function stat(p: string): string {
  try {
    const s = fs.statSync(p);
    return `${s.uid}:${s.gid} ${(s.mode & 0o7777).toString(8).padStart(4, "0")}`;
  } catch {
    return "missing";
  }
}

/** A process's file of its own logs that holds `line`, and the line (RocketMQ 5 logs remoting in remoting.log). */
function loggedLine(p: UnitProc, line: string): { file: string; line: string } | undefined {
  const folder = `/var/log/rocketmq/${p.c.name}`;
  for (const f of filesUnder(p.machine.path(folder))) {
    const hit = fs
      .readFileSync(f, "utf8")
      .split("\n")
      .find((l) => l.includes(line));
    if (hit) return { file: `${folder}/${path.relative(p.machine.path(folder), f)}`, line: hit.trim() };
  }
  return undefined;
}

/** The running JVM's command line. */
function cmdline(p: UnitProc): string[] {
  const pid = p.javaPid();
  return pid ? fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0") : [];
}

/**
 * seed-tls-vm: access control and TLS enforcing on booted VMs. Every running JVM reads the library's tls.properties
 * (test mode off, the lab's certificate, key and CA on the machine); the shared secured scenario runs with a TLS client
 * (the accounts' rights, the slave's copies, the proxy, the master's SIGKILL); then a plaintext client is refused by
 * the name server, the master and the proxy, which log it; the servers present the lab's certificate.
 */
export async function tlsSecuredPair(ctx: Ctx, d: VmDeployment, certs: LabCertificates): Promise<void> {
  for (const p of d.procs as UnitProc[]) {
    const args = cmdline(p);
    const conf = args.find((a) => a.startsWith("-Dtls.config.file="))?.split("=")[1] ?? "";
    const read = (f: string | undefined) =>
      f && fs.existsSync(p.machine.path(f)) ? fs.readFileSync(p.machine.path(f), "utf8") : "";
    const props = parseProperties(read(conf));
    const modes = args.filter((a) => a.startsWith("-Dtls.server.mode="));
    const same = {
      certificate: read(props["tls.server.certPath"]) === certs.certPem,
      key: read(props["tls.server.keyPath"]) === certs.keyPem,
      ca: read(props["tls.client.trustCertPath"]) === certs.caPem,
    };
    ctx.check(
      `tls: ${p.c.name}'s JVM on ${p.machine.name} runs with -Dtls.server.mode=enforcing -Dtls.enable=true and reads ${conf || "(no -Dtls.config.file)"}: test mode off, the lab's certificate, key and CA on the machine`,
      modes.length === 1 &&
        modes[0] === "-Dtls.server.mode=enforcing" &&
        args.includes("-Dtls.enable=true") &&
        props["tls.test.mode.enable"] === "false" &&
        same.certificate &&
        same.key &&
        same.ca,
      `${modes.join(" ")}; ${Object.entries(props)
        .filter(([k]) => /test\.mode|Path$/.test(k))
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}; the machine's files are the lab's: ${JSON.stringify(same)}`,
    );
  }

  // The shared scenario of the secured stacks, its client (and the proxy's) speaking TLS.
  d.clientJvmOptions = clientTlsOptions(certs);
  await securedPair(ctx, d);
  const client = d.client!;
  ctx.check(
    `tls: the lab's client (producer, consumer, admin) used TLS throughout the secured scenario`,
    client.readyAnswer?.useTLS === true,
    JSON.stringify(client.readyAnswer),
  );

  // A plaintext client: the same client without the switch.
  const master = d
    .byRole("mqbroker")
    .map(brokerExpect)
    .find((b) => b.id === "0");
  const ns = d.byRole("mqnamesrv")[0] as UnitProc;
  const proxy = d.byRole("mqproxy")[0] as UnitProc | undefined;
  if (!master) throw new Error(`${d.stack.name}: no master`);
  const proxyConf = JSON.parse(proxy?.c.uploads.find((u) => u.file.endsWith(".json"))?.content ?? "{}");
  const proxyAddr = proxy ? `${proxy.c.host}:${Number(proxyConf.remotingListenPort ?? 8080)}` : undefined;
  await checkPlaintextRefused(ctx, d, {
    label: "",
    nameServer: ns,
    master,
    ...(proxy && proxyAddr ? { proxy: { proc: proxy, remoting: proxyAddr } } : {}),
    insecureLine: (p) => {
      const hit = loggedLine(p as UnitProc, INSECURE_LINE);
      return hit ? `${hit.file}: ${hit.line}` : undefined;
    },
  });

  // What the servers present: the lab's certificate, checked against its CA.
  const grpc = proxy
    ? [["proxy's gRPC port", `${proxy.c.host}:${Number(proxyConf.grpcServerPort ?? 8081)}`, ["-alpn", "h2"]] as const]
    : [];
  checkPresentedCertificates(ctx, d, "", certs.caPath, [
    ["name server", d.namesrvAddrs[0], []],
    ["master", master.addr, []],
    ...grpc,
  ]);
}

/**
 * Where the private key is on a booted machine: the file each process's tls.properties names (tls.server.keyPath) is
 * the rocketmq user's only (3000:3000, 0600 or 0640, in a 0750 folder), holds the lab's key, user nobody cannot read it.
 */
export function checkKeyFiles(ctx: Ctx, m: Machine, vm: VmDoc): void {
  for (const u of vm.units) {
    const conf = u.container.uploads.find((f) => path.posix.basename(f.file) === "tls.properties");
    const keyPath = conf ? parseProperties(conf.content)["tls.server.keyPath"]?.trim() : undefined;
    const key = u.container.uploads.find((f) => f.file === keyPath);
    if (!keyPath || !key) continue;
    const file = stat(m.path(keyPath));
    const folder = stat(m.path(path.posix.dirname(keyPath)));
    const onMachine = fs.existsSync(m.path(keyPath)) ? fs.readFileSync(m.path(keyPath), "utf8") : "";
    const asNobody = m.execStatus(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "cat", keyPath]);
    ctx.check(
      `${m.name}: ${u.container.name}'s private key ${keyPath} is the rocketmq user's only (3000:3000 0600 or 0640, its folder 0750), holds the lab's key, and user nobody cannot read it`,
      /^3000:3000 06[04]0$/.test(file) &&
        folder === "3000:3000 0750" &&
        onMachine === key.content &&
        asNobody.code !== 0 &&
        /Permission denied/.test(asNobody.out),
      `file ${file}, folder ${folder}; content ${onMachine === key.content ? "the lab's key" : "DIFFERS"}; nobody: exit ${asNobody.code} ${asNobody.out.trim().split("\n").pop()}`,
    );
  }
}
