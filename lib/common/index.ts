export * from './lifecycle-age';
export * from './policy-editors';
