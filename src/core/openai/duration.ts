/**
 * Go-style durations as OpenAI sends them in `x-ratelimit-reset-*` and 429 messages:
 * "12ms", "1s", "33.023s", "6m0s", "1h2m3s".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  if (ms < 1000) return `${Math.max(1, Math.round(ms))}ms`;
  const totalMs = Math.round(ms);
  const h = Math.floor(totalMs / 3_600_000);
  const m = Math.floor((totalMs % 3_600_000) / 60_000);
  const sMs = totalMs % 60_000;
  const s = trimFraction(sMs / 1000);
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function trimFraction(seconds: number): string {
  return seconds.toFixed(3).replace(/\.?0+$/, '');
}

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
};

/** Parses a Go duration into milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (s === '0') return 0;
  // Every answer carries two of these, most of them plain "12ms" or "1.5s": no regex for those.
  const plain = plainUnit(s);
  if (plain !== undefined) return plain;
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const unit = UNIT_MS[m[2] ?? ''];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    matched = re.lastIndex;
  }
  return matched === s.length ? total : undefined;
}

/** "12ms" or "33.023s" (digits, at most one dot, one unit); undefined for anything else. */
function plainUnit(s: string): number | undefined {
  const ms = s.endsWith('ms');
  const cut = ms ? s.length - 2 : s.endsWith('s') ? s.length - 1 : -1;
  if (cut <= 0) return undefined;
  let dots = 0;
  for (let i = 0; i < cut; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c < 48 || c > 57) return undefined;
  }
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(cut - 1);
  if (dots > 1 || first === 46 || last === 46) return undefined;
  const n = Number(s.slice(0, cut));
  return ms ? n : n * 1000;
}
