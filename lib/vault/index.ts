export * from './vault-lock';
export * from './backup-vault';
