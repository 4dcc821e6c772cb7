#!/usr/bin/env node
// Runs the TypeScript sources through tsx: the project ships no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
