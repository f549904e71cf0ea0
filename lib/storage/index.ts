export * from './cross-account-bucket';
export * from './replication-rule';
