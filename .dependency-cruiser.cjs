/**
 * Architecture rules checked in CI (`npm run depcruise`). The one that
 * matters most: a subcontractor adapter sees projected envelopes only, so it
 * may not reach the database layer, directly or through anything it imports.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'adapters-never-reach-the-database',
      comment:
        'Subcontractor adapters (and the envelope they receive) get projected data only; they must not import src/db, even transitively.',
      severity: 'error',
      from: { path: '^src/subcontractors/([^/]+Adapter|envelope)\\.ts$' },
      to: { path: '^src/db/', reachable: true },
    },
    {
      name: 'adapters-never-import-member-modules',
      comment: 'Adapters must not reach member or consent data modules either.',
      severity: 'error',
      from: { path: '^src/subcontractors/([^/]+Adapter|envelope)\\.ts$' },
      to: { path: '^src/(members|consent|audiences)/', reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    exclude: { path: ['^src/db/migrations/'] },
  },
};
