#!/usr/bin/env node
// The `wirefeed` command (`npx wirefeed --help`). Runs the bundled command line in
// dist/node.mjs, bundling it first from src/ when it is missing or out of date. Stack traces
// name the bundle's lines; with `NODE_OPTIONS=--enable-source-maps` they name src/ (Node then
// reads the 2.4 MB source map at every start: 25-60 ms here, so it is not the default).
import { pathToFileURL } from 'node:url';
import { BUNDLE, bundleIsStale, bundleNode } from '../scripts/bundle-node.mjs';

if (bundleIsStale()) await bundleNode();
await import(pathToFileURL(BUNDLE).href);
