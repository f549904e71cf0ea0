// Writing commands a person can paste: values synth knows are written out; names known only after deploy become the
// AWS CLI call that reads them from the stack (a command substitution), so the command is still exact.
import { Marker, markersIn, renderMarkers } from '../../lib/private/posture/resolve';

/** The AWS CLI call that prints the physical id of a resource of a (possibly nested) stack. */
function physicalIdCall(stackName: string, logicalId: string, region: string | undefined): string {
  const regionFlag = region ? ` --region ${word(region)}` : '';
  const slash = stackName.lastIndexOf('/');
  const stack = slash < 0 ? word(stackName) : `"${physicalIdCall(stackName.slice(0, slash), stackName.slice(slash + 1), region)}"`;
  return `$(aws cloudformation describe-stack-resource${regionFlag} --stack-name ${stack} --logical-resource-id ${word(logicalId)} `
    + '--query StackResourceDetail.PhysicalResourceId --output text)';
}

/** `value` in single quotes, for a shell (nothing inside is expanded). */
function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** `value` as is when it holds only characters no shell treats specially (zsh expands a leading `=`), else single-quoted. */
function word(value: string): string {
  return /^[A-Za-z0-9_./:@+,-][A-Za-z0-9_./:@=+,-]*$/.test(value) ? value : singleQuoted(value);
}

/**
 * A resolved value as one shell word; `region` is the region of the stacks that hold its markers. Text from the templates
 * is single-quoted, so no shell expands it (`db$(touch x)` and `db!!` stay names); only the command substitutions this
 * module writes for the markers run, each in double quotes.
 */
export function shellValue(value: string, region: string | undefined): string {
  const markers = markersIn(value).filter((m) => !m.logicalId.startsWith('AWS::') && !m.logicalId.startsWith('Fn::') && m.attribute === '');
  if (markers.length === 0) return word(renderMarkers(value, placeholder));
  const parts: string[] = [];
  let rest = value;
  for (const m of markers) {
    const text = `⟦${m.stack}|${m.logicalId}|⟧`;
    const at = rest.indexOf(text);
    if (at > 0) parts.push(singleQuoted(renderMarkers(rest.slice(0, at), placeholder)));
    parts.push(`"${physicalIdCall(m.stack, m.logicalId, region)}"`);
    rest = rest.slice(at + text.length);
  }
  if (rest !== '') parts.push(singleQuoted(renderMarkers(rest, placeholder)));
  return parts.join('');
}

/** What a marker the runbook cannot turn into a command becomes: a placeholder the operator fills in. */
function placeholder(m: Marker): string {
  if (m.logicalId.startsWith('AWS::')) return `<${m.logicalId.slice(5).toLowerCase()}>`;
  if (m.logicalId.startsWith('Fn::')) return `<the ${m.logicalId} value of stack ${m.stack}>`;
  return m.attribute !== '' ? `<${m.attribute} of ${m.logicalId} in stack ${m.stack}>` : `<${m.logicalId} of stack ${m.stack}>`;
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
