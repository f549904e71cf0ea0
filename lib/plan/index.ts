export * from './recovery-tier';
export * from './gfs';
export * from './copies';
export * from './selections';
export * from './recovery-plan';
