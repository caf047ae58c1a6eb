#!/usr/bin/env node
// The `wirefeed` command (`npx wirefeed --help`). Runs the bundled command line in
// dist/node.mjs, bundling it first from src/ when it is missing or out of date.
import { pathToFileURL } from 'node:url';
import { BUNDLE, bundleIsStale, bundleNode } from '../scripts/bundle-node.mjs';

process.setSourceMapsEnabled(true);
if (bundleIsStale()) await bundleNode();
await import(pathToFileURL(BUNDLE).href);
