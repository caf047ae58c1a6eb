/** The module `npm run build` generates (build/worker-data.js), resolved by wrangler's alias. */
declare module 'wirefeed:data' {
  const data: import('./prebuilt.ts').PrebuiltData;
  export default data;
}
