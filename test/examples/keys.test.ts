// Issue 12: no example names a KMS key by a placeholder ARN; a key an example needs in another region is created by the
// example (a DR-region stack) and wired without exports across regions.
import * as fs from 'fs';
import * as path from 'path';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

test.each(fs.readdirSync(EXAMPLES).filter((name) => fs.existsSync(path.join(EXAMPLES, name, 'app.ts'))))('%s names no key by a literal key ARN', (name) => {
  const source = fs.readFileSync(path.join(EXAMPLES, name, 'app.ts'), 'utf8');
  expect(source.match(/arn:aws[a-z-]*:kms:[^'"`]*:key\/[^'"`]*/g) ?? []).toEqual([]);
  expect(source).not.toMatch(/kms\.Key\.fromKeyArn\(/);
});
