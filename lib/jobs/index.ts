export * from './job-metrics';
export * from './dump-compression';
export * from './dump-job-props';
export * from './pg-dump-job';
export * from './dump-verify-job';
export * from './rpo-watch';
