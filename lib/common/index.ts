export * from './lifecycle-age';
