/** A grouped bar chart as plain SVG: one panel per workload, bars per gateway, groups per concurrency. */

export interface ChartPanel {
  title: string;
  /** Concurrency levels, in order. */
  groups: number[];
  /** Requests per second by series (gateway) and group (concurrency). */
  series: { label: string; color: string; values: (number | undefined)[] }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

export function throughputChart(options: { title: string; subtitle: string; panels: ChartPanel[] }): string {
  const panelWidth = 330;
  const panelHeight = 260;
  const margin = { top: 70, left: 56, right: 16, bottom: 80 };
  const width = margin.left + options.panels.length * panelWidth + margin.right;
  const height = margin.top + panelHeight + margin.bottom;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="26" font-size="17" font-weight="600" fill="#111">${esc(options.title)}</text>`,
    `<text x="${margin.left}" y="46" font-size="12" fill="#555">${esc(options.subtitle)}</text>`,
  );
  const series = options.panels[0]?.series ?? [];
  options.panels.forEach((panel, p) => {
    const x0 = margin.left + p * panelWidth;
    const plotWidth = panelWidth - 40;
    const max = niceMax(Math.max(...panel.series.flatMap((s) => s.values.map((v) => v ?? 0))));
    const y = (v: number) => margin.top + panelHeight - (v / max) * panelHeight;
    out.push(
      `<text x="${x0 + plotWidth / 2}" y="${margin.top - 8}" font-size="13" font-weight="600" text-anchor="middle" fill="#222">${esc(panel.title)}</text>`,
    );
    for (let t = 0; t <= 4; t++) {
      const v = (max * t) / 4;
      out.push(
        `<line x1="${x0}" x2="${x0 + plotWidth}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e3e3"/>`,
        `<text x="${x0 - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end" fill="#666">${Math.round(v)}</text>`,
      );
    }
    const groupWidth = plotWidth / panel.groups.length;
    const barWidth = (groupWidth * 0.75) / panel.series.length;
    panel.groups.forEach((group, g) => {
      const gx = x0 + g * groupWidth + groupWidth * 0.125;
      panel.series.forEach((s, i) => {
        const v = s.values[g];
        const bx = gx + i * barWidth;
        if (v === undefined) {
          out.push(`<text x="${bx + barWidth / 2}" y="${y(0) - 4}" font-size="9" text-anchor="middle" fill="#999">n/a</text>`);
          return;
        }
        out.push(
          `<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.label}, ${group} clients: ${Math.round(v)} req/s`)}</title></rect>`,
          `<text x="${(bx + (barWidth - 2) / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" font-size="9" text-anchor="middle" fill="#333">${Math.round(v)}</text>`,
        );
      });
      out.push(
        `<text x="${gx + (barWidth * panel.series.length) / 2}" y="${y(0) + 16}" font-size="11" text-anchor="middle" fill="#333">${group}</text>`,
      );
    });
    out.push(
      `<line x1="${x0}" x2="${x0 + plotWidth}" y1="${y(0)}" y2="${y(0)}" stroke="#999"/>`,
      `<text x="${x0 + plotWidth / 2}" y="${y(0) + 34}" font-size="11" text-anchor="middle" fill="#555">concurrent clients</text>`,
    );
  });
  out.push(
    `<text transform="translate(16 ${margin.top + panelHeight / 2}) rotate(-90)" font-size="11" text-anchor="middle" fill="#555">requests per second</text>`,
  );
  series.forEach((s, i) => {
    const lx = margin.left + i * 210;
    const ly = height - 18;
    out.push(
      `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${lx + 18}" y="${ly}" font-size="12" fill="#222">${esc(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
