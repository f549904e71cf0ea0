export * from './alarm-tuning';
export * from './watches';
export * from './backup-alarms';
