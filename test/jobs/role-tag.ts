// The tests both jobs share for the cdk-backup-dr:database tag of their role, which a dump bucket's jobRoles
// confines the role by.
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';

/** What a job test file's `build` returns, enough for these tests. */
interface Built {
  readonly stack: Stack;
  readonly template: Template;
}

/** Defines the tag tests for a job built by `build` (database 'orders' unless given). */
export function describeRoleTag(build: (props: { roleName?: string; databaseName?: string }) => Built): void {
  test('tags its role cdk-backup-dr:database with its database, which a dump bucket\'s jobRoles confines it by', () => {
    const { template } = build({ roleName: 'acme-job-orders' });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'acme-job-orders',
      Tags: Match.arrayWith([{ Key: 'cdk-backup-dr:database', Value: 'orders' }]),
    });
  });

  test('a database name an IAM tag cannot hold ($) leaves the role untagged, and says so', () => {
    const { template, stack } = build({ databaseName: 'orders$2026' });
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('cdk-backup-dr:database');
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp("'orders\\$2026' is not a valid IAM tag value"))).toHaveLength(1);
  });
}
