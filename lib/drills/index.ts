export * from './restore-drill-selection';
export * from './restore-drill';
export * from './restore-validation';
