#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ConfigError } from './config';
import { buildReferenceApp } from './reference-app';

const app = new App();
try {
  buildReferenceApp(app);
} catch (error) {
  if (error instanceof ConfigError) {
    // One clear message, no stack trace: the problem is in cdk.json, not in the code.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
app.synth();
