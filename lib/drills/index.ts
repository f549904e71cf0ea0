export * from './restore-drill-selection';
export * from './restore-drill';
export * from './restore-validation';
export * from './drill-metrics';
export * from './pitr-drill';
