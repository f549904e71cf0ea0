export * from './backup-coverage';
export * from './backup-dr-checks';
