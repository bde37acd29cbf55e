// OpenTofu from tools/tofu.sh (built from the Go module proxy, cached), run on a synthesized stack directory with
// the provider mirror; every command bounded.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_DIR, log, ms, run, stripAnsi } from "../util";

export interface TofuEnv {
  TOFU: string;
  TF_CLI_CONFIG_FILE: string;
  TOFU_VERSION: string;
  DOCKER_PROVIDER_GO_VERSION: string;
  DOCKER_PROVIDER_VERSION: string;
  DOCKER_PROVIDER_PINNED: string;
  DOCKER_PROVIDER_MODULE: string;
}

let cached: TofuEnv | undefined;

/** Builds OpenTofu and the provider when the cache lacks them (about 7 min cold here), then answers their paths. */
export function tofuEnv(): TofuEnv {
  if (cached) return cached;
  const t = Date.now();
  const out = run("bash", [path.join(REPO_DIR, "tools", "tofu.sh")], { timeoutMs: 45 * 60_000 });
  const env: Record<string, string> = {};
  for (const l of out.split("\n")) {
    const i = l.indexOf("=");
    if (i > 0) env[l.slice(0, i)] = l.slice(i + 1);
  }
  cached = env as unknown as TofuEnv;
  log(
    `tofu: OpenTofu ${cached.TOFU_VERSION}, ${cached.DOCKER_PROVIDER_MODULE}@${cached.DOCKER_PROVIDER_GO_VERSION} mirrored as ${cached.DOCKER_PROVIDER_PINNED} (${ms(Date.now() - t)})`,
  );
  return cached;
}

/**
 * The pinned provider's executables in the mirror that the CLI configuration names (what `tofu init` installs from):
 * `<os>_<arch>/terraform-provider-docker_v<pinned>`, per registry host.
 */
export function mirroredProviders(env: TofuEnv): string[] {
  const m = /path\s*=\s*"([^"]+)"/.exec(fs.readFileSync(env.TF_CLI_CONFIG_FILE, "utf8"));
  if (!m) return [];
  const out: string[] = [];
  for (const registry of ["registry.opentofu.org", "registry.terraform.io"]) {
    const dir = path.join(m[1], registry, "kreuzwerker", "docker", env.DOCKER_PROVIDER_PINNED);
    if (!fs.existsSync(dir)) continue;
    for (const platform of fs.readdirSync(dir)) {
      const bin = path.join(dir, platform, `terraform-provider-docker_v${env.DOCKER_PROVIDER_PINNED}`);
      try {
        fs.accessSync(bin, fs.constants.X_OK);
        out.push(path.relative(m[1], bin));
      } catch {
        /* not there, or not executable */
      }
    }
  }
  return out;
}

export interface TofuResult {
  code: number;
  out: string;
  stdout: string;
  tookMs: number;
}

/** Everything every tofu command of this run printed (what the leak check reads), in order. */
export const tofuTranscript: { dir: string; args: string[]; out: string }[] = [];

/** The environment every tofu run of the lab gets (the mirror, no prompts), with `vars` as TF_VAR_<name>. */
export function tofuProcessEnv(vars: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [`TF_VAR_${k}`, v])),
    TF_CLI_CONFIG_FILE: tofuEnv().TF_CLI_CONFIG_FILE,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    TF_PLUGIN_CACHE_DIR: "",
  };
}

/**
 * `tofu <args>` in a stack directory, with `vars` as the stack's variables (TF_VAR_<name>, as a user's pipeline gives
 * secrets). Never throws for a non-zero exit (the caller checks); throws on timeout.
 */
export function tofu(
  dir: string,
  args: string[],
  timeoutMs = 10 * 60_000,
  vars: Readonly<Record<string, string>> = {},
): TofuResult {
  const env = tofuEnv();
  const t = Date.now();
  const r = spawnSync(env.TOFU, [`-chdir=${dir}`, ...args], {
    env: tofuProcessEnv(vars),
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new Error(`tofu ${args.join(" ")} in ${dir}: ${r.error.message}`);
  const out = stripAnsi(`${r.stdout ?? ""}${r.stderr ? `\n${r.stderr}` : ""}`);
  tofuTranscript.push({ dir, args, out });
  return { code: r.status ?? -1, out, stdout: r.stdout ?? "", tookMs: Date.now() - t };
}

/** Like tofu, but throws with the output's tail when the exit code is not 0. */
export function tofuOk(
  dir: string,
  args: string[],
  timeoutMs?: number,
  vars: Readonly<Record<string, string>> = {},
): TofuResult {
  const r = tofu(dir, args, timeoutMs, vars);
  if (r.code !== 0) throw new Error(`tofu ${args.join(" ")} exited ${r.code}:\n${r.out.slice(-4000)}`);
  return r;
}

/** What a saved plan does: per resource address, its actions (["no-op"], ["create"], ["delete","create"], ...) and why. */
export interface PlannedChange {
  address: string;
  type: string;
  name?: string;
  actions: string[];
  replacePaths: string[];
}

export function plannedChanges(
  dir: string,
  planFile: string,
  vars: Readonly<Record<string, string>> = {},
): PlannedChange[] {
  const json = JSON.parse(tofuOk(dir, ["show", "-json", planFile], 120_000, vars).stdout);
  return (json.resource_changes ?? []).map((rc: any) => ({
    address: rc.address,
    type: rc.type,
    name: rc.change?.after?.name ?? rc.change?.before?.name,
    actions: rc.change?.actions ?? [],
    replacePaths: (rc.change?.replace_paths ?? []).map((p: any[]) => p.join(".")),
  }));
}
