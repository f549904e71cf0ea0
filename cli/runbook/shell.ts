// Writing commands a person can paste: values synth knows are written out; names known only after deploy become the
// AWS CLI call that reads them from the stack (a command substitution), so the command is still exact.
import { Marker, markersIn, renderMarkers } from '../app/resolve';

/** The AWS CLI call that prints the physical id of a resource of a (possibly nested) stack. */
function physicalIdCall(stackName: string, logicalId: string, region: string | undefined): string {
  const regionFlag = region ? ` --region ${region}` : '';
  const slash = stackName.lastIndexOf('/');
  const stack = slash < 0 ? word(stackName) : `"${physicalIdCall(stackName.slice(0, slash), stackName.slice(slash + 1), region)}"`;
  return `$(aws cloudformation describe-stack-resource${regionFlag} --stack-name ${stack} --logical-resource-id ${word(logicalId)} `
    + '--query StackResourceDetail.PhysicalResourceId --output text)';
}

/** `value` in single quotes, for a shell (nothing inside is expanded). */
function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** `value` as is when it holds only characters a shell leaves alone, else single-quoted. */
function word(value: string): string {
  return /^[A-Za-z0-9_./:@=+,-]+$/.test(value) ? value : singleQuoted(value);
}

/** A literal for the inside of double quotes: `\`, `"`, `$` and backquotes escaped, so nothing of it is expanded. */
function insideDoubleQuotes(value: string): string {
  return value.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

/**
 * A resolved value as one shell word; `region` is the region of the stacks that hold its markers. Text from the templates
 * is never expanded by the shell (a name like `db$(touch x)` stays a name); only the command substitutions this
 * module writes for the markers run.
 */
export function shellValue(value: string, region: string | undefined): string {
  const markers = markersIn(value).filter((m) => !m.logicalId.startsWith('AWS::') && m.attribute === '');
  const plain = renderMarkers(value, (m: Marker) => (m.logicalId.startsWith('AWS::') ? `<${m.logicalId.slice(5).toLowerCase()}>`
    : m.attribute !== '' ? `<${m.attribute} of ${m.logicalId} in stack ${m.stack}>` : `\u0000${m.stack}\u0001${m.logicalId}\u0000`));
  if (markers.length === 0) return word(plain);
  // Double quotes around the whole word: the literal parts escaped, the substitutions left to run.
  const parts = plain.split('\u0000');
  return `"${parts.map((part, i) => {
    if (i % 2 === 0) return insideDoubleQuotes(part);
    const [stack, logicalId] = part.split('\u0001');
    return physicalIdCall(stack, logicalId, region);
  }).join('')}"`;
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
