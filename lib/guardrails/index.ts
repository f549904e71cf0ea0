export * from './backup-guardrails';
