export * from './common';
export * from './vault';
export * from './storage';
export * from './plan';
export * from './databases';
export * from './jobs';
export * from './alarms';
export * from './drills';
