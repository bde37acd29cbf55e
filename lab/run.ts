// npm run lab [-- filter...]: resolve RocketMQ, synthesize main.ts, check the key catalogues against the jars,
// run the experiments on real servers in network namespaces; last line "N passed, N failed".
// Filters (any of): resolve, catalogue, 2m2s, dledger, traps, controller, acl, tls (substring match on the step names).
import * as fs from "fs";
import * as path from "path";
import { checkShipped, shippedVersions } from "./catalogue";
import { Ctx } from "./checks";
import {
  expAcl,
  expAcl2,
  expDledgerAcl,
  expDledgerAcl2,
  expController,
  expDledger,
  expTraps,
  expTwoMasterTwoSlave,
} from "./experiments";
import { runLab, summary } from "./guard";
import { expTls } from "./tls";
import { LAB_TOOLS, deleteStale, prerequisites } from "./hosts";
import { ensureJars } from "./jars";
import { listStacks, synth } from "./stack";
import { WORK_DIR, ms } from "./util";

/** Versions resolved and started (namesrv + broker) beyond the ones the experiments use. */
const EXTRA_VERSIONS = (process.env.ROCKETMQ_LAB_VERSIONS ?? "4.7.0,4.9.8,5.3.3,5.5.0,5.5.1")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const want = (step: string): boolean => filters.length === 0 || filters.some((f) => step.includes(f));
  const ctx = new Ctx();
  const t0 = Date.now();
  if (path.resolve(WORK_DIR).startsWith("/home/"))
    throw new Error(`work dir ${WORK_DIR} is under /home, which the lab mounts over`);
  fs.mkdirSync(WORK_DIR, { recursive: true });

  await ctx.experiment("prerequisites", () => {
    const p = prerequisites();
    ctx.check(`prerequisites: ${LAB_TOOLS.join(", ")} answer with their versions; running as root`, p.ok, p.detail);
    if (!p.ok) return;
    deleteStale();
  });

  if (want("resolve")) {
    await ctx.experiment("resolve versions", async () => {
      const { probeVersion } = await import("./probe");
      for (const v of EXTRA_VERSIONS) {
        let ok = false;
        let detail: string;
        try {
          const jars = ensureJars(v);
          detail = jars.serverModulesFrom ? `namesrv/broker modules from ${jars.serverModulesFrom}` : "";
          ok = true;
        } catch (e) {
          detail = (e as Error).message;
        }
        if (!ok) {
          ctx.note(`RocketMQ ${v} does not resolve: ${detail}`);
          continue;
        }
        const r = await probeVersion(v);
        ctx.check(
          `version ${v}: resolves from Maven Central and a name server + broker start and register on Java 17`,
          r.ok,
          `${detail ? `${detail}; ` : ""}${r.detail}`,
        );
      }
    });
  }

  if (want("catalogue")) {
    await ctx.experiment("catalogue", async () => {
      const versions = shippedVersions();
      if (versions.length === 0) {
        ctx.check(
          "catalogue: the library ships catalogues (lib/core/versions/data/catalogues.json)",
          false,
          "none found",
        );
        return;
      }
      // Every shipped version, from the configuration jars only (lab/maven/catalogue-pom.xml): cold ~5 min, warm < 1 min.
      for (const v of versions) await checkShipped(ctx, v);
    });
  }

  const exps: [string, string, typeof expTwoMasterTwoSlave][] = [
    ["2m2s", "seed-2m-2s-sync (2 masters, 2 slaves, SYNC)", expTwoMasterTwoSlave],
    ["dledger", "seed-dledger (DLedger group of 3)", expDledger],
    ["traps", "traps (port overlap, shared store root)", expTraps],
    ["controller", "seed-5x-controller (RocketMQ 5 controller mode + proxy)", expController],
    ["acl", "seed-secured (access control 1.0: accounts, refusals, the slave's copies)", expAcl],
    ["acl2", "seed-secured-5x (access control 2.0: accounts, refusals, the slave's copies, the proxy)", expAcl2],
    [
      "dledger-acl",
      "seed-dledger-secured (DLedger with access control 1.0: election, copies, failover)",
      expDledgerAcl,
    ],
    [
      "dledger-acl2",
      "seed-dledger-secured-5x (DLedger with access control 2.0: election, copies, failover)",
      expDledgerAcl2,
    ],
  ];
  const chosen = exps.filter(([k]) => want(k));
  if (chosen.length) {
    let synthDir = "";
    await ctx.experiment("synth", () => {
      const r = synth(path.join(WORK_DIR, "synth"));
      synthDir = r.dir;
      const stacks = listStacks(r.dir);
      ctx.check(
        "synth: main.ts synthesizes seed-2m-2s-sync and seed-dledger",
        ["seed-2m-2s-sync", "seed-dledger"].every((s) => stacks.includes(s)),
        `stacks: ${stacks.join(", ")}${r.tookMs ? `; ${ms(r.tookMs)}` : ""}`,
      );
    });
    if (synthDir) {
      const stacks = listStacks(synthDir);
      for (const [key, title, fn] of chosen) {
        // optional stacks (only the two seeds are required): skipped with a note when main.ts does not make them
        if (key === "controller" && !stacks.includes("seed-5x-controller")) {
          ctx.info.push("seed-5x-controller not synthesized: controller experiment skipped");
          continue;
        }
        const secured = {
          acl: "seed-secured",
          acl2: "seed-secured-5x",
          "dledger-acl": "seed-dledger-secured",
          "dledger-acl2": "seed-dledger-secured-5x",
        }[key];
        if (secured !== undefined && !stacks.includes(secured)) {
          ctx.info.push(`${secured} not synthesized: ${key} experiment skipped`);
          continue;
        }
        await ctx.experiment(title, () => fn({ ctx, synthDir }));
      }
    }
  }

  if (want("tls")) {
    await ctx.experiment(
      "tls (lab-only stacks: a 4.9.8 SYNC pair and 5.3.3 controller mode with a proxy, enforcing; a 4.9.8 DLedger group enforcing, then permissive)",
      () => expTls({ ctx, synthDir: "" }),
    );
  }

  return summary(ctx, t0);
}

runLab("lab", "ROCKETMQ_LAB_TIMEOUT_S", 1800, main);
