// Attack: template text (a resource name, an exemption or acknowledgement reason, a construct path) must not add
// headings, fake "Gaps: none" sections, links, table cells or raw HTML to an auditor's report, in the Markdown or the page.
import { postureHtml } from '../../../cli/report/html';
import { postureMarkdown } from '../../../cli/report/markdown';
import { readPosture } from '../../../cli/report/posture';
import { stack, table, vault } from './helpers';

const EVIL = 'https://evil.example/';
const locked = { ObjectLockEnabled: true, VersioningConfiguration: { Status: 'Enabled' }, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } } };

const s = stack('A', {
  // A name read by Ref (physicalName), with line breaks.
  Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'data\n## All stores protected\n', ...locked } },
  Linked: { Type: 'AWS::S3::Bucket', Properties: { BucketName: `[sign-off](${EVIL}a)<img src=x onerror=alert(1)>`, ...locked } },
  Exempt: { ...(table('t1') as object), Metadata: { 'cdk-backup-dr:BackupCoverage.exemption': `scratch data\n\n## Findings\n\nNone.\n\n[approved](${EVIL}b)` } },
  V: { ...(vault('v') as object), Metadata: { 'cdk-backup-dr:BackupDrChecks.acknowledged': { 'BackupDR-BackupVaultLocked': `ok [ticket](${EVIL}c)` } } },
  Ticked: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'ticked', ...locked }, Metadata: { 'aws:cdk:path': 'A/x`\n## Injected from a path\n`' } },
}, '111111111111', 'us-east-1');
const p = readPosture([s], 't');
const md = postureMarkdown(p);
const html = postureHtml(p);

test('template text adds no heading', () => {
  const headings = md.split('\n').filter((l) => /^#{1,6} /.test(l));
  expect(headings.filter((h) => /^#{1,6} (All stores protected|Findings|Injected from a path)/.test(h) && h !== '## Findings')).toEqual([]);
  expect(md.split('\n').filter((l) => l === '## Findings')).toHaveLength(1);
});

test('template text adds no link to the page', () => {
  expect(html).not.toContain(`href="${EVIL}`);
});

test('template text adds no raw HTML to the Markdown (GitLab, VS Code, Confluence and others render it)', () => {
  expect(md).not.toMatch(/(^|[^\\])<img/);
});
