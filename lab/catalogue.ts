// The key catalogue from the real jars (lab/java/Catalogue.java by reflection), and its comparison with the
// catalogue the library ships (lib/core/versions/data/rocketmq-<version>.json).
// CLI: npm run catalogue -- <version>   (prints the JSON)
import * as fs from 'fs';
import * as path from 'path';
import { Ctx } from './checks';
import { compileHelper, ensureJars } from './jars';
import { REPO_DIR, log, logTo, run } from './util';

export const SHIPPED_DIR = path.join(REPO_DIR, 'lib', 'core', 'versions', 'data');
/** Sections whose key set and types must match; the others (proxy: bound by fastjson; tiered store) are reported only. */
const STRICT = ['broker', 'namesrv', 'controller'];

export type Catalogue = Record<string, any>;

export function catalogueFromJars(version: string): Catalogue {
  const jars = ensureJars(version);
  const classes = compileHelper(jars, 'Catalogue');
  const out = run('java', ['-Xmx256m', '-cp', `${classes}:${jars.classpath}`, 'Catalogue', version], { timeoutMs: 60_000 });
  return JSON.parse(out);
}

export function shippedVersions(): string[] {
  if (!fs.existsSync(SHIPPED_DIR)) return [];
  return fs.readdirSync(SHIPPED_DIR).map((f) => /^rocketmq-(\d+\.\d+\.\d+)\.json$/.exec(f)?.[1]).filter((v): v is string => !!v).sort();
}

function norm(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  let s = String(v);
  if (/^".*"$/.test(s)) s = s.slice(1, -1);
  return s;
}

/** Compares the shipped catalogue of a version with the jars': key sets and types per section (strict), defaults (info). */
export function checkShipped(ctx: Ctx, version: string): void {
  const file = path.join(SHIPPED_DIR, `rocketmq-${version}.json`);
  const shipped = JSON.parse(fs.readFileSync(file, 'utf8'));
  const jars = catalogueFromJars(version);
  const sections = [...new Set([...Object.keys(shipped), ...Object.keys(jars)])].filter((s) => !['appliedBy', 'version'].includes(s)).sort();
  for (const s of sections) {
    const a = shipped[s] ?? {};
    const b = jars[s] ?? {};
    const onlyShipped = Object.keys(a).filter((k) => !(k in b)).sort();
    const onlyJars = Object.keys(b).filter((k) => !(k in a)).sort();
    const typeDiff = Object.keys(a).filter((k) => k in b)
      .filter((k) => JSON.stringify([...(a[k].types ?? [])].sort()) !== JSON.stringify([...(b[k].types ?? [])].sort()))
      .map((k) => `${k}: shipped ${JSON.stringify(a[k].types)} jars ${JSON.stringify(b[k].types)}`);
    // Defaults: only literal initializers are comparable (an expression such as Runtime...availableProcessors()
    // or System.getProperty("user.home") legitimately evaluates to something machine-specific).
    const literal = (v: unknown): boolean => v === null || /^(-?\d+(\.\d+)?[LlFfDd]?|true|false|null|".*")$/.test(String(v));
    const numNorm = (v: string | null): string | null => (v !== null && /^-?\d+(\.\d+)?[LlFfDd]?$/.test(v) ? String(Number(v.replace(/[LlFfDd]$/, ''))) : v);
    const comparable = Object.keys(a).filter((k) => k in b && literal(a[k].default));
    const defaultDiff = comparable.filter((k) => {
      const jd = numNorm(norm(b[k].default));
      const cands = [a[k].default, a[k].defaultEvaluated, a[k].effectiveDefault].map((x) => numNorm(norm(x)));
      return !cands.includes(jd);
    });
    const detail = [
      `${Object.keys(a).length} shipped / ${Object.keys(b).length} from jars`,
      onlyShipped.length ? `only shipped: ${onlyShipped.join(', ')}` : '',
      onlyJars.length ? `only in jars: ${onlyJars.join(', ')}` : '',
      typeDiff.length ? `types differ: ${typeDiff.join('; ')}` : '',
    ].filter(Boolean).join('; ');
    const same = onlyShipped.length === 0 && onlyJars.length === 0 && typeDiff.length === 0;
    if (STRICT.includes(s)) {
      ctx.check(`catalogue ${version} [${s}]: shipped key set and types = jars`, same, detail);
    } else if (!same) {
      ctx.note(`catalogue ${version} [${s}] (not a strict section): ${detail}`);
    }
    if (defaultDiff.length) {
      ctx.note(`catalogue ${version} [${s}]: ${defaultDiff.length} of ${comparable.length} literal defaults differ from the getter on a fresh instance (info): ` +
        defaultDiff.slice(0, 12).map((k) => `${k} shipped=${a[k].default} jar=${b[k].default}`).join('; ') + (defaultDiff.length > 12 ? '; ...' : ''));
    }
  }
}

if (require.main === module) {
  logTo.stream = process.stderr;
  const v = process.argv[2];
  if (!v) {
    process.stderr.write('usage: npm run catalogue -- <version>\n');
    process.exit(2);
  }
  try {
    process.stdout.write(JSON.stringify(catalogueFromJars(v), null, 1) + '\n');
  } catch (e) {
    log(`catalogue ${v}: ${(e as Error).message}`);
    process.exit(1);
  }
}
