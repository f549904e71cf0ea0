// Attack: the diagram goes into the page through a replacement function, so `$'`, `` $` `` and `$&` in template text
// (a dump job's database name is any string) stay text instead of copying the page into the SVG.
import { postureHtml } from '../../../cli/report/html';
import { readPosture } from '../../../cli/report/posture';
import { stack } from './helpers';

test('a store named with $\' appears in the diagram as written, and the page holds one Findings section', () => {
  const s = stack('A', {
    Dump: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { DUMP_DATABASE: "orders$'", DUMP_BUCKET: 'dumps' } } } },
  }, '111111111111', 'us-east-1');
  const html = postureHtml(readPosture([s], 't'));
  expect(html).toContain("orders$&#39;".replace('&#39;', "'"));
  expect(html.match(/<h2 id="findings">/g)).toHaveLength(1);
});
