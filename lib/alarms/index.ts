export * from './backup-alarms';
