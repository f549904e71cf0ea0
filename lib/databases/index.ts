export * from './pitr-settings';
export * from './rds-pitr-policy';
export * from './scratch-database';
