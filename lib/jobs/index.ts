export * from './job-metrics';
export * from './pg-dump-job';
export * from './dump-verify-job';
