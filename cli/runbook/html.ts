// The runbook as one self-contained HTML page (no network: styles inline, no scripts), readable on a laptop and
// printable. Markdown is rendered with markdown-it (maintained since 2014, CommonMark with GFM tables, escapes raw HTML
// unless allowed: the runbook turns on only the `<br>` it writes into table cells).
import MarkdownIt from 'markdown-it';
import { headingSlug } from './runbook';

const STYLE = `
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { border-bottom: 2px solid #1b1f24; padding-bottom: .3rem; }
  h2 { margin-top: 2.5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
  table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
  th, td { border: 1px solid #d0d7de; padding: .35rem .6rem; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; }
  code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; background: #f6f8fa; padding: .1rem .25rem; border-radius: 3px; }
  pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: .75rem; overflow-x: auto; }
  pre code { padding: 0; background: none; }
  li { margin: .4rem 0; }
  strong { color: #8a1c1c; }
  @media print { body { margin: 0; max-width: none; font-size: 11pt; } pre { white-space: pre-wrap; break-inside: avoid; } h2 { break-before: page; } }
`;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Markdown rendered to HTML; headings of the given levels get GitHub's anchors, and the `<br>` table cells use is turned
 * back on.
 */
export function renderMarkdown(markdown: string, anchoredLevels = '2'): string {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  return md.render(markdown).replace(/&lt;br&gt;/g, '<br>')
    // The same anchors as GitHub's, so the index links work in the page too.
    .replace(new RegExp(`<h([${anchoredLevels}])>(.*?)</h[${anchoredLevels}]>`, 'g'), (_all, level: string, text: string) => `<h${level} id="${headingSlug(text.replace(/<[^>]+>/g, ''))}">${text}</h${level}>`);
}

/** A complete self-contained HTML document: `body` (HTML) under `title`, with the page style and `extraStyle`. */
export function htmlDocument(title: string, body: string, extraStyle = ''): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}${extraStyle}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A complete HTML document of `markdown`, titled `title`. */
export function runbookHtml(markdown: string, title: string): string {
  return htmlDocument(`Runbook: ${title}`, renderMarkdown(markdown));
}
