export * from './vault-lock';
export * from './backup-vault';
export * from './air-gapped-vault';
