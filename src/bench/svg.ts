/** Minimal inline-SVG charts for the self-contained HTML report (no scripts, no fonts, no network). */
export interface Line {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  lines: Line[];
  /** Horizontal reference lines, e.g. the quota ceiling. */
  refs?: { y: number; label: string }[];
  width?: number;
  height?: number;
  yMin?: number;
  yMax?: number;
  logX?: boolean;
}

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function niceStep(range: number, ticks: number): number {
  const raw = range / Math.max(1, ticks);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

export function lineChart(o: ChartOptions): string {
  const W = o.width ?? 640;
  const H = o.height ?? 260;
  const m = { l: 56, r: 12, t: 28, b: 40 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const xs = o.lines.flatMap((l) => l.points.map((p) => p[0]));
  const ys = [...o.lines.flatMap((l) => l.points.map((p) => p[1])), ...(o.refs ?? []).map((r) => r.y)];
  const tx = (v: number): number => (o.logX ? Math.log10(Math.max(v, 1)) : v);
  const x0 = xs.length ? Math.min(...xs.map(tx)) : 0;
  const x1 = xs.length ? Math.max(...xs.map(tx)) : 1;
  const y0 = o.yMin ?? 0;
  const y1 = o.yMax ?? (ys.length ? Math.max(...ys) * 1.08 || 1 : 1);
  const sx = (v: number): number => m.l + ((tx(v) - x0) / (x1 - x0 || 1)) * pw;
  const sy = (v: number): number => m.t + ph - ((v - y0) / (y1 - y0 || 1)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(o.title)}" font-family="system-ui,sans-serif" font-size="11">`,
  );
  parts.push(`<text x="${m.l}" y="16" font-size="13" font-weight="600">${escapeXml(o.title)}</text>`);
  const yStep = niceStep(y1 - y0, 5);
  for (let v = Math.ceil(y0 / yStep) * yStep; v <= y1 + 1e-9; v += yStep) {
    const y = sy(v).toFixed(1);
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#e5e7eb"/><text x="${m.l - 4}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#6b7280">${fmt(v)}</text>`,
    );
  }
  if (o.logX) {
    // 1-2-5 ticks per decade: latency spans are often under one decade.
    for (let e = Math.floor(x0); e <= Math.ceil(x1); e++) {
      for (const k of [1, 2, 5]) {
        const lv = e + Math.log10(k);
        if (lv < x0 - 1e-9 || lv > x1 + 1e-9) continue;
        const x = (m.l + ((lv - x0) / (x1 - x0 || 1)) * pw).toFixed(1);
        parts.push(
          `<text x="${x}" y="${H - m.b + 14}" text-anchor="middle" fill="#6b7280">${fmt(k * 10 ** e)}</text>`,
        );
      }
    }
  } else {
    const xStep = niceStep(x1 - x0, 8);
    for (let v = Math.ceil(x0 / xStep) * xStep; v <= x1 + 1e-9; v += xStep)
      parts.push(
        `<text x="${sx(v).toFixed(1)}" y="${H - m.b + 14}" text-anchor="middle" fill="#6b7280">${fmt(v)}</text>`,
      );
  }
  parts.push(
    `<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ph}" stroke="#9ca3af"/><line x1="${m.l}" x2="${W - m.r}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="#9ca3af"/>`,
  );
  parts.push(
    `<text x="${m.l + pw / 2}" y="${H - 6}" text-anchor="middle" fill="#374151">${escapeXml(o.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(12 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" fill="#374151">${escapeXml(o.yLabel)}</text>`,
  );
  for (const r of o.refs ?? []) {
    const y = sy(r.y).toFixed(1);
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#111827" stroke-dasharray="6 4"/><text x="${W - m.r - 4}" y="${Number(y) - 4}" text-anchor="end" fill="#111827">${escapeXml(r.label)}</text>`,
    );
  }
  for (const l of o.lines) {
    if (l.points.length === 0) continue;
    const d = l.points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`)
      .join('');
    parts.push(
      `<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.8"${l.dashed ? ' stroke-dasharray="4 3"' : ''}><title>${escapeXml(l.name)}</title></path>`,
    );
  }
  let lx = m.l + 8;
  for (const l of o.lines) {
    parts.push(
      `<rect x="${lx}" y="${m.t + 4}" width="10" height="3" fill="${l.color}"/><text x="${lx + 14}" y="${m.t + 8}" dominant-baseline="middle">${escapeXml(l.name)}</text>`,
    );
    lx += 22 + l.name.length * 6.5;
  }
  parts.push('</svg>');
  return parts.join('');
}
