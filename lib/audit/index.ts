export * from './backup-coverage';
export * from './backup-dr-checks';
export * from './backup-audit-framework';
export * from './backup-report-plan';
