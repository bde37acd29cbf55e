// Images for the Kubernetes lab, made without a docker daemon: docker-archive tars (manifest.json + config + one
// uncompressed layer) that `ctr images import` reads. The RocketMQ image's layer is the deploy lab's cached image root
// (lab/engine/image.ts ensureImageTar: debootstrap + jars + scripts), its config the same `--change` instructions the
// deploy lab gives `docker import`; the pause image is the static program of build.ts ensurePause.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { LAB_IMAGE_REPO, ensureImageTar } from "../engine/image";
import { log, ms, run } from "../util";
import { CACHE_DIR, ensureAll, sha256File } from "./build";

export const PAUSE_IMAGE = "docker.io/rocketmq-cdktf-lab/pause:1";

export interface ArchiveImage {
  /** The image's reference as containerd names it after import (docker.io/...). */
  ref: string;
  file: string;
}

/** The docker image config of `docker import --change` instructions. */
export function configOfChanges(changes: readonly string[]): Record<string, unknown> {
  const c: Record<string, unknown> = { Env: [] as string[] };
  for (const ch of changes) {
    const m = /^(\w+)\s+(.*)$/.exec(ch);
    if (!m) throw new Error(`unknown change ${ch}`);
    const [, op, arg] = m;
    if (op === "ENV") (c.Env as string[]).push(arg);
    else if (op === "USER") c.User = arg;
    else if (op === "WORKDIR") c.WorkingDir = arg;
    else if (op === "ENTRYPOINT") c.Entrypoint = JSON.parse(arg);
    else if (op === "CMD") c.Cmd = JSON.parse(arg);
    else if (op === "EXPOSE") c.ExposedPorts = Object.fromEntries(arg.split(/\s+/).map((p) => [`${p}/tcp`, {}]));
    else throw new Error(`unsupported change ${ch}`);
  }
  return c;
}

/** Writes a docker-archive (docker save layout) of one uncompressed layer tar, atomically. */
export function writeDockerArchive(
  out: string,
  repoTag: string,
  layerTar: string,
  config: Record<string, unknown>,
): void {
  const diffId = `sha256:${sha256File(layerTar)}`;
  const cfg = JSON.stringify({
    architecture: "amd64",
    os: "linux",
    created: "1970-01-01T00:00:00Z",
    config,
    rootfs: { type: "layers", diff_ids: [diffId] },
    history: [{ created: "1970-01-01T00:00:00Z", created_by: "rocketmq-cdktf lab/k8s/image.ts" }],
  });
  const cfgName = `${crypto.createHash("sha256").update(cfg).digest("hex")}.json`;
  const dir = fs.mkdtempSync(`${out}.dir-`);
  try {
    const layerDir = path.join(dir, diffId.slice(7));
    fs.mkdirSync(layerDir);
    try {
      fs.linkSync(layerTar, path.join(layerDir, "layer.tar"));
    } catch {
      fs.copyFileSync(layerTar, path.join(layerDir, "layer.tar"));
    }
    fs.writeFileSync(path.join(dir, cfgName), cfg);
    fs.writeFileSync(
      path.join(dir, "manifest.json"),
      JSON.stringify([{ Config: cfgName, RepoTags: [repoTag], Layers: [`${diffId.slice(7)}/layer.tar`] }]),
    );
    run("tar", ["-C", dir, "-cf", `${out}.tmp`, "manifest.json", cfgName, diffId.slice(7)], { timeoutMs: 600_000 });
    fs.renameSync(`${out}.tmp`, out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(`${out}.tmp`, { force: true });
  }
}

/** The pause (sandbox) image: /pause of build.ts ensurePause. */
export function ensurePauseImage(pauseBin: string): ArchiveImage {
  const file = path.join(CACHE_DIR, "images", `pause-${sha256File(pauseBin).slice(0, 12)}.tar`);
  const img = { ref: PAUSE_IMAGE, file };
  if (fs.existsSync(file)) return img;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const root = fs.mkdtempSync(path.join(path.dirname(file), "pause-root-"));
  try {
    fs.copyFileSync(pauseBin, path.join(root, "pause"));
    fs.chmodSync(path.join(root, "pause"), 0o755);
    run("tar", [
      "-C",
      root,
      "--numeric-owner",
      "--owner=0",
      "--group=0",
      "-cf",
      path.join(root, "..", `${path.basename(root)}.layer`),
      "pause",
    ]);
    writeDockerArchive(file, PAUSE_IMAGE.replace(/^docker\.io\//, ""), `${root}.layer`, {
      Entrypoint: ["/pause"],
      User: "65535:65535",
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(`${root}.layer`, { force: true });
  }
  return img;
}

/**
 * The lab's RocketMQ image of one version (the deploy lab's image root, cached there) as a docker-archive (cached
 * here, keyed by the root tar's name, which is keyed by its inputs). `debsBin` gives debootstrap to a cold build.
 */
export function ensureRocketmqImage(version: string, debsBin: string): ArchiveImage {
  process.env.PATH = `${debsBin}:${process.env.PATH ?? ""}`;
  const tar = ensureImageTar(version);
  const ref = `docker.io/${LAB_IMAGE_REPO}:${version}`;
  const file = path.join(CACHE_DIR, "images", path.basename(tar.file));
  if (fs.existsSync(file)) return { ref, file };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const t = Date.now();
  writeDockerArchive(file, `${LAB_IMAGE_REPO}:${version}`, tar.file, configOfChanges(tar.changes));
  for (const f of fs.readdirSync(path.dirname(file)))
    if (f.startsWith(`rocketmq-${version}-`) && f !== path.basename(file)) fs.rmSync(path.join(path.dirname(file), f));
  log(`k8s image: ${ref} archive ready in ${ms(Date.now() - t)} (${Math.round(fs.statSync(file).size / 1048576)} MiB)`);
  return { ref, file };
}

if (require.main === module) {
  const bins = ensureAll(["debs", "pause"]);
  const t = Date.now();
  const v = process.argv[2] ?? "5.3.3";
  log(JSON.stringify([ensurePauseImage(bins.pause), ensureRocketmqImage(v, bins.debsBin)]));
  log(`k8s image: done in ${ms(Date.now() - t)}`);
}
