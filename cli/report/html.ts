// The recovery-posture report as one self-contained HTML page (no script, no network): the Markdown report rendered,
// with a diagram after the summary, drawn as inline SVG: one column per account, a box per region in it, the data
// stores, vaults and buckets inside, and an arrow for each backup, copy, replication and dump. Readable on a laptop,
// printable for an audit file (the diagram scales to the page).
import { escapeHtml, htmlDocument, renderMarkdown } from '../runbook/html';
import { postureMarkdown } from './markdown';
import { DiagramNode, Flow, Posture } from './posture';

const NODE_W = 300;
/** A column: the account box (node, region and account padding) and a gutter for the arrows and their labels. */
const COLUMN = NODE_W + 44 + 190;
const NODE_H = 46;
const GAP = 14;
const REGION_HEAD = 26;
const ACCOUNT_HEAD = 34;
const MARGIN = 24;

const FLOW_COLOR: Record<Flow['kind'], string> = { backup: '#57606a', copy: '#0969da', replication: '#8250df', dump: '#1a7f37' };
const NODE_FILL: Record<DiagramNode['kind'], string> = { store: '#fff8c5', vault: '#ddf4ff', bucket: '#fbefff' };
const NODE_NAME: Record<DiagramNode['kind'], string> = { store: 'data store', vault: 'vault', bucket: 'bucket' };

interface Placed {
  readonly node: DiagramNode;
  readonly x: number;
  readonly y: number;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Places the nodes: accounts left to right (in order of appearance), regions top to bottom inside each. */
function layout(nodes: readonly DiagramNode[]): { placed: Placed[]; boxes: string[]; width: number; height: number } {
  const accounts = [...new Set(nodes.map((n) => n.account))];
  const placed: Placed[] = [];
  const boxes: string[] = [];
  let height = 0;
  accounts.forEach((account, column) => {
    const x = MARGIN + column * COLUMN;
    let y = MARGIN + ACCOUNT_HEAD;
    const regions = [...new Set(nodes.filter((n) => n.account === account).map((n) => n.region))];
    const top = MARGIN;
    for (const region of regions) {
      const inRegion = nodes.filter((n) => n.account === account && n.region === region);
      const boxHeight = REGION_HEAD + inRegion.length * (NODE_H + GAP) + GAP / 2;
      boxes.push(`<rect class="region" x="${x + 6}" y="${y}" width="${NODE_W + 20}" height="${boxHeight}" rx="8"/>`
        + `<text class="region-name" x="${x + 16}" y="${y + 18}">${escapeHtml(region === '?' ? 'region known at deploy' : region)}</text>`);
      inRegion.forEach((node, i) => placed.push({ node, x: x + 16, y: y + REGION_HEAD + i * (NODE_H + GAP) }));
      y += boxHeight + GAP;
    }
    boxes.unshift(`<rect class="account" x="${x}" y="${top}" width="${NODE_W + 32}" height="${y - top}" rx="10"/>`
      + `<text class="account-name" x="${x + 12}" y="${top + 22}">account ${escapeHtml(account === '?' ? '(known at deploy)' : account)}</text>`);
    height = Math.max(height, y + MARGIN);
  });
  // The last column keeps room on its right for the arrows that curve back into it and their labels.
  return { placed, boxes, width: MARGIN * 2 + accounts.length * COLUMN - 40, height };
}

function arrow(flow: Flow, from: Placed, to: Placed, lane: number): string {
  const color = FLOW_COLOR[flow.kind];
  const rightward = to.x > from.x;
  const sameColumn = to.x === from.x;
  const x1 = rightward || sameColumn ? from.x + NODE_W : from.x;
  const y1 = from.y + NODE_H / 2 + (lane % 3 - 1) * 6;
  const x2 = rightward ? to.x : sameColumn ? to.x + NODE_W : to.x + NODE_W;
  const y2 = to.y + NODE_H / 2 + (lane % 3 - 1) * 6;
  const bend = sameColumn ? 40 + (lane % 4) * 10 : 0;
  const d = sameColumn
    ? `M${x1},${y1} C${x1 + bend},${y1} ${x2 + bend},${y2} ${x2 + 2},${y2}`
    : `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2 - 2},${y2}`;
  // Labels sit near the start of a crossing arrow, where parallel arrows are still apart; backups are not labelled.
  const lx = sameColumn ? x1 + bend + 4 : x1 + 8;
  const ly = sameColumn ? (y1 + y2) / 2 : y1 + (y2 - y1) * 0.18 - 5;
  const label = flow.kind === 'backup' ? '' : `<text x="${lx}" y="${ly}" fill="${color}">${escapeHtml(shorten(flow.label, 30))}</text>`;
  return `<g class="flow flow-${flow.kind}"><title>${escapeHtml(`${flow.kind}: ${flow.label}`)}</title>`
    + `<path d="${d}" stroke="${color}" marker-end="url(#arrow-${flow.kind})"/>${label}</g>`;
}

/** The diagram of accounts, regions, vaults, buckets and flows, as an inline SVG element. */
export function postureDiagram(p: Posture): string {
  if (p.nodes.length === 0) return '';
  const { placed, boxes, width, height } = layout(p.nodes);
  const at = new Map(placed.map((n) => [n.node.id, n]));
  const markers = Object.entries(FLOW_COLOR).map(([kind, color]) =>
    `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`).join('');
  const nodes = placed.map(({ node, x, y }) => `<g class="node node-${node.kind}"><title>${escapeHtml(`${NODE_NAME[node.kind]} ${node.label}${node.detail ? `: ${node.detail}` : ''}`)}</title>`
    + `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="${NODE_FILL[node.kind]}"/>`
    + `<text class="node-name" x="${x + 10}" y="${y + 19}">${escapeHtml(shorten(node.label, 40))}</text>`
    + `<text class="node-detail" x="${x + 10}" y="${y + 36}">${escapeHtml(shorten(`${NODE_NAME[node.kind]}${node.detail ? ` · ${node.detail}` : ''}`, 50))}</text></g>`).join('\n');
  const flows = p.flows.map((f, i) => {
    const from = at.get(f.from);
    const to = at.get(f.to);
    return from && to ? arrow(f, from, to, i) : '';
  }).join('\n');
  const legend = Object.entries(FLOW_COLOR).map(([kind, color], i) =>
    `<g transform="translate(${MARGIN + i * 130},${height})"><line x1="0" y1="0" x2="28" y2="0" stroke="${color}" stroke-width="2" marker-end="url(#arrow-${kind})"/><text x="36" y="4">${kind}</text></g>`).join('');
  return [
    `<figure class="diagram" id="diagram"><svg role="img" aria-labelledby="diagram-title" viewBox="0 0 ${width} ${height + 24}" width="${width}" height="${height + 24}">`,
    '<title id="diagram-title">Accounts, regions, data stores, vaults and buckets, with the backups, copies, replications and dumps between them</title>',
    `<defs>${markers}</defs>`,
    boxes.join('\n'),
    flows,
    nodes,
    legend,
    '</svg>',
    '<figcaption>Where the copies go: each column is an account, each box a region. Hover an arrow or a box for its details.</figcaption></figure>',
  ].join('\n');
}

const DIAGRAM_STYLE = `
  .diagram { margin: 1.5rem 0; overflow-x: auto; }
  .diagram svg { max-width: 100%; height: auto; font: 12px system-ui, -apple-system, "Segoe UI", sans-serif; }
  .diagram .account { fill: #f6f8fa; stroke: #8c959f; }
  .diagram .region { fill: #ffffff; stroke: #d0d7de; stroke-dasharray: 4 3; }
  .diagram .account-name { font-weight: 600; font-size: 13px; }
  .diagram .region-name { fill: #57606a; }
  .diagram .node rect { stroke: #57606a; }
  .diagram .node-name { font-weight: 600; }
  .diagram .node-detail { fill: #57606a; font-size: 11px; }
  .diagram .flow path { fill: none; stroke-width: 1.8; }
  .diagram .flow text { font-size: 10px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
  .diagram figcaption { color: #57606a; font-size: 13px; }
  body { max-width: 72rem; }
  @media print { .diagram svg { width: 100%; } .diagram { break-inside: avoid; } }
`;

/** The report as a complete HTML page. */
export function postureHtml(p: Posture): string {
  const marker = 'POSTURE-DIAGRAM-PLACEHOLDER';
  // A function as replacement: `$'` and friends in template text must stay text.
  const body = renderMarkdown(postureMarkdown(p, marker), '23').replace(`<p>${marker}</p>`, () => postureDiagram(p));
  return htmlDocument(`Recovery posture: ${p.title}`, body, DIAGRAM_STYLE);
}
