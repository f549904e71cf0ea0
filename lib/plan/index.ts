export * from './recovery-tier';
export * from './recovery-plan';
