// The deploy lab's TLS checks: a stack whose certificate, private key and CA come from Terraform variables (seed-tls)
// is given PEMs openssl makes for this run (lab/tls.ts makeCertificates), its checking client speaks TLS and checks the
// servers' certificate against the CA, and, after the stack's own scenario: what the servers present, what a
// plaintext client gets from each kind of server (and what the server logs), and how the key file lies in a container.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Ctx } from "../checks";
import { Deployment, brokerExpect } from "../deployment";
import { LabProc } from "../procs";
import { PemKind } from "../stack";
import {
  INSECURE_LINE,
  LabCertificates,
  checkPlaintextRefused,
  checkPresentedCertificates,
  clientTlsOptions,
  makeCertificates,
} from "../tls";
import { REPO_DIR, WORK_DIR } from "../util";
import { ContainerProc } from "./deployment";
import { dockerResult } from "./engines";

/** The lab's PEMs for the stacks' PEM variables: a CA and a server certificate for `addresses`, made in `dir`. */
export function labPems(
  dir: string,
  addresses: readonly string[],
  kinds: Readonly<Record<string, PemKind>>,
): { certs: LabCertificates; values: Record<string, string> } {
  const certs = makeCertificates(dir, addresses);
  // The lab needs only the CA certificate (its client checks the servers against it): the keys leave the disk.
  for (const f of ["server.key", "ca.key", "server.csr"]) fs.rmSync(path.join(dir, f), { force: true });
  const pem: Record<PemKind, string> = {
    certificate: certs.certPem,
    privateKey: certs.keyPem,
    trustCertificate: certs.caPem,
  };
  return { certs, values: Object.fromEntries(Object.entries(kinds).map(([v, k]) => [v, pem[k]])) };
}

/** Before the scenario: the checking client (and every client the scenario makes) speaks TLS, checking the CA. */
export function tlsClient(d: Deployment, certs: LabCertificates): void {
  d.clientJvmOptions = clientTlsOptions(certs);
}

/** The first line of the container's RocketMQ logs (and its output) that says a client spoke plaintext to it. */
function insecureLine(p: LabProc): string | undefined {
  const cp = p as ContainerProc;
  const r = cp.engine.docker(
    ["exec", cp.c.name, "sh", "-c", `grep -rhF '${INSECURE_LINE}' /home/rocketmq/logs 2>/dev/null | head -n 1; true`],
    30_000,
  );
  return (
    r.trim() ||
    cp
      .outputText()
      .split("\n")
      .find((l) => l.includes(INSECURE_LINE))
  )?.trim();
}

function remotingAddr(p: LabProc): string {
  const props = JSON.parse(p.c.uploads.find((u) => u.file.endsWith(".json"))?.content ?? "{}");
  return `${p.c.host}:${props.remotingListenPort ?? 8080}`;
}

function grpcAddr(p: LabProc): string {
  const props = JSON.parse(p.c.uploads.find((u) => u.file.endsWith(".json"))?.content ?? "{}");
  return `${p.c.host}:${props.grpcServerPort ?? 8081}`;
}

/**
 * After the stack's scenario (run with the TLS client): the client said it speaks TLS; every server was given the
 * lab's PEMs through the variables; each kind of server presents the cluster's certificate, verified against the CA;
 * a plaintext client is refused by a name server, the master and the proxy, each logging why; the key file's mode and
 * owner inside the containers.
 */
export async function tlsChecks(ctx: Ctx, name: string, d: Deployment, certs: LabCertificates): Promise<void> {
  const client = d.client!;
  ctx.check(
    `${name}: tls: the checking client (every account's producer, consumer and admin) speaks TLS, trusting only the lab's CA`,
    client.readyAnswer?.useTLS === true,
    JSON.stringify(client.readyAnswer),
  );
  const keyPath = "/home/rocketmq/conf/tls/server.key";
  const given = d.procs.filter((p) => {
    const file = (f: string) => p.c.uploads.find((u) => u.file === `/home/rocketmq/conf/tls/${f}`)?.content;
    return (
      file("server.crt") === certs.certPem && file("server.key") === certs.keyPem && file("ca.crt") === certs.caPem
    );
  });
  ctx.check(
    `${name}: tls: each of the ${d.procs.length} servers is given the lab's certificate, key and CA (the variables' values) and runs with -Dtls.server.mode=enforcing`,
    given.length === d.procs.length &&
      d.procs.every((p) => /-Dtls\.server\.mode=enforcing\b/.test(p.c.env.JAVA_OPT_EXT)),
    d.procs.map((p) => `${p.c.name}: ${/-Dtls\.server\.mode=\S+/.exec(p.c.env.JAVA_OPT_EXT)?.[0]}`).join("; "),
  );

  const ns = d.byRole("mqnamesrv")[0];
  const master = d
    .byRole("mqbroker")
    .map(brokerExpect)
    .find((b) => b.id === "0")!;
  const proxy = d.byRole("mqproxy")[0];
  checkPresentedCertificates(ctx, d, `${name}: `, certs.caPath, [
    ["name server", d.namesrvAddrs[0], []],
    ["master", master.addr, []],
    ...(proxy ? [["proxy's gRPC port", grpcAddr(proxy), ["-alpn", "h2"]] as const] : []),
  ]);
  await checkPlaintextRefused(ctx, d, {
    label: `${name}: `,
    nameServer: ns,
    master,
    ...(proxy ? { proxy: { proc: proxy, remoting: remotingAddr(proxy) } } : {}),
    insecureLine,
  });

  // The key file as it lies in each container (the provider's upload), and who the servers run as.
  const stats = d.procs.map((p) => {
    const cp = p as ContainerProc;
    return `${cp.c.name}: ${cp.engine.docker(["exec", cp.c.name, "stat", "-c", "%a %u:%g", keyPath], 30_000).trim()}`;
  });
  ctx.note(
    `${name}: tls: ${keyPath} inside each container (mode uid:gid; the servers run as uid 3000): ${stats.join("; ")}`,
  );
  restrictedUploads(ctx, name, d.procs[0] as ContainerProc);
  const consoles = d.stack.dashboards.map((c) => {
    const e = d.procs.map((p) => (p as ContainerProc).engine).find((x) => x.name === c.host);
    const line = e
      ? dockerResult(e.host, ["logs", c.name])
          .out.split("\n")
          .find((l) => l.startsWith("LabConsole: useTLS="))
      : undefined;
    return { c, line };
  });
  for (const { c, line } of consoles)
    ctx.check(
      `${name}: tls: ${c.name} (console) speaks TLS to the servers (-Drocketmq.config.useTLS=true from the library)`,
      line === "LabConsole: useTLS=true",
      line ?? "no useTLS line in its log",
    );
}

/**
 * Could the key be uploaded 0600 or 0640? The upload attributes of the provider build the lab runs (`tofu providers
 * schema -json` in the stack's directory) and of the version the stacks pin (the @cdktf/provider-docker binding the
 * library is written against), and what such an upload gives in a container: the provider sends a tar entry with the
 * mode and, without `owner`/`group`, uid 0 and no CopyUIDGID; `docker cp -` of the same tar lands the same file.
 */
export function uploadAttributes(ctx: Ctx, name: string, schemaJson: string): void {
  const schema = JSON.parse(schemaJson);
  const upload = Object.values<any>(schema.provider_schemas ?? {})[0]?.resource_schemas?.docker_container?.block
    ?.block_types?.upload?.block?.attributes;
  const built = Object.keys(upload ?? {}).sort();
  const binding = fs.readFileSync(
    path.join(REPO_DIR, "node_modules", "@cdktf", "provider-docker", "lib", "container", "index.d.ts"),
    "utf8",
  );
  const iface = /export interface ContainerUpload \{([\s\S]*?)\n\}/.exec(binding)?.[1] ?? "";
  const pinned = [...iface.matchAll(/readonly (\w+)\??:/g)].map((m) => m[1]).sort();
  ctx.note(
    `${name}: the docker provider's upload block: the build the lab runs has ${built.join(", ")}; the pinned version's binding (@cdktf/provider-docker) has ${pinned.join(", ")}${pinned.includes("owner") ? "" : " (no owner or group)"}`,
  );
}

/** A file of mode 0600 and one of 0640, sent as the provider sends an upload with `permissions` and no owner. */
function restrictedUploads(ctx: Ctx, name: string, p: ContainerProc): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmqlab-upload-"));
  try {
    for (const mode of ["600", "640"]) {
      const f = path.join(dir, `probe-${mode}.pem`);
      fs.writeFileSync(f, "not a key: a probe of the upload's mode\n");
      fs.chmodSync(f, parseInt(mode, 8));
    }
    const cp = spawnSync(
      "sh",
      [
        "-c",
        `tar -cf - --owner=0 --group=0 -C "$1" probe-600.pem probe-640.pem | docker -H "$2" cp - "$3":/tmp/`,
        "sh",
      ].concat([dir, p.engine.host, p.c.name]),
      {
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, DOCKER_CONFIG: path.join(WORK_DIR, "deploy", "docker-cli") },
      },
    );
    const seen = ["600", "640"].map((mode) => {
      const f = `/tmp/probe-${mode}.pem`;
      const st = dockerResult(p.engine.host, ["exec", p.c.name, "stat", "-c", "%a %u:%g", f]).out.trim();
      const read = dockerResult(p.engine.host, ["exec", p.c.name, "cat", f]);
      return { mode, st, read };
    });
    ctx.check(
      `${name}: tls: a file uploaded as the provider uploads one with permissions 0600 or 0640 and no owner lands root's (0:0), and the servers' uid 3000 cannot read it: the key stays 0644`,
      cp.status === 0 && seen.every((x) => x.st === `${x.mode} 0:0` && x.read.status !== 0),
      seen.map((x) => `${x.mode}: ${x.st}; cat as uid 3000: exit ${x.read.status} ${x.read.out.trim()}`).join("; ") +
        (cp.status === 0 ? "" : `; docker cp: ${cp.stderr}`),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
