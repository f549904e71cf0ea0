// Writing commands a person can paste: values synth knows are written out; names known only after deploy become the
// AWS CLI call that reads them from the stack (a command substitution), so the command is still exact.
import { Marker, renderMarkers } from '../app/resolve';

/** The AWS CLI call that prints the physical id of a resource of a (possibly nested) stack. */
function physicalIdCall(stackName: string, logicalId: string, region: string | undefined): string {
  const regionFlag = region ? ` --region ${region}` : '';
  const slash = stackName.lastIndexOf('/');
  const stack = slash < 0 ? stackName : `"${physicalIdCall(stackName.slice(0, slash), stackName.slice(slash + 1), region)}"`;
  return `$(aws cloudformation describe-stack-resource${regionFlag} --stack-name ${stack} --logical-resource-id ${logicalId} `
    + '--query StackResourceDetail.PhysicalResourceId --output text)';
}

/** A resolved value for a command line; `region` is the region of the stacks that hold its markers. */
export function shellValue(value: string, region: string | undefined): string {
  const rendered = renderMarkers(value, (m: Marker) => {
    if (m.logicalId.startsWith('AWS::')) return `<${m.logicalId.slice(5).toLowerCase()}>`;
    if (m.attribute !== '') return `<${m.attribute} of ${m.logicalId} in stack ${m.stack}>`;
    return physicalIdCall(m.stack, m.logicalId, region);
  });
  if (/^[A-Za-z0-9_./:@=+,-]+$/.test(rendered)) return rendered;
  if (rendered.includes('$(') || /^<[^>]+>$/.test(rendered)) return `"${rendered}"`;
  return `'${rendered.replace(/'/g, "'\\''")}'`;
}

/** A command line: `npx cdk-backup-dr …` with options, broken over lines with `\`. */
export function command(head: string, options: ReadonlyArray<readonly [string, string | undefined] | readonly [string]>, region?: string): string {
  const parts = options
    .filter((o) => o.length === 1 || o[1] !== undefined)
    .map((o) => (o.length === 1 ? o[0] : `${o[0]} ${shellValue(o[1] as string, region)}`));
  const lines: string[] = [head];
  for (const part of parts) {
    const last = lines[lines.length - 1];
    if (last.length + part.length + 1 > 100) lines.push(`  ${part}`);
    else lines[lines.length - 1] = `${last} ${part}`;
  }
  return lines.join(' \\\n');
}
