export * from './restore-drill-selection';
export * from './restore-drill';
