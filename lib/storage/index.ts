export * from './cross-account-bucket-props';
export * from './cross-account-bucket';
export * from './replication-destination';
export * from './replication-rule';
export * from './dump-bucket';
