export * from './vault-lock';
export * from './backup-vault';
export * from './cross-account-bucket';
export * from './recovery-tier';
export * from './recovery-plan';
export * from './rds-pitr-policy';
