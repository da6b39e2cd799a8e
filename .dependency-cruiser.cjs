/**
 * The layering of docs/architecture.md, checked on every `npm test`: imports point downwards
 * only. Each rule names the layer it keeps and why; a test file may reach for test support.
 */
const PURE = "^(music|engine|instruments|formats|analysis|production|accounts|acoustics)/";
const TESTS = "(\\.test\\.ts$|/test-support/|^test/)";

module.exports = {
  forbidden: [
    {
      name: "pure-libraries-stay-pure",
      comment:
        "A library never imports the applications built on it: store, server, web, jobs, cli, bench, examples, tests.",
      severity: "error",
      from: { path: PURE, pathNot: TESTS },
      to: { path: "^(store|server|web|jobs|cli|bench|examples|test)/" },
    },
    {
      name: "node-only-in-node-folders",
      comment:
        "Inside a library only a folder called node/ may import node:*, so the rest runs in a browser and an audio worklet.",
      severity: "error",
      from: { path: PURE, pathNot: `(/node/|${TESTS})` },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "music-imports-nothing-of-ours",
      comment: "The project document is the bottom layer.",
      severity: "error",
      from: { path: "^music/", pathNot: TESTS },
      to: { path: "^(?!music/)[^/]+/", dependencyTypesNot: ["npm", "npm-dev", "core"] },
    },
    {
      name: "dsp-is-the-engine-floor",
      comment:
        "dsp ← strip ← mix ← render ← node: a lower engine layer never imports a higher one.",
      severity: "error",
      from: { path: "^engine/dsp/" },
      to: { path: "^engine/(strip|mix|render|node)/" },
    },
    {
      name: "strip-below-mix",
      severity: "error",
      from: { path: "^engine/strip/" },
      to: { path: "^engine/(mix|render|node)/" },
    },
    {
      name: "mix-below-render",
      severity: "error",
      from: { path: "^engine/mix/" },
      to: { path: "^engine/(render|node)/" },
    },
    {
      name: "render-below-node",
      severity: "error",
      from: { path: "^engine/render/" },
      to: { path: "^engine/node/" },
    },
    {
      name: "engine-below-analysis",
      comment:
        "analysis builds on engine/dsp (biquads, the true-peak interpolator), so the engine below engine/node never imports analysis: the mixer's loudness meter lives in engine/dsp.",
      severity: "error",
      from: { path: "^engine/(dsp|strip|mix|render)/" },
      to: { path: "^analysis/" },
    },
    {
      name: "analysis-uses-only-dsp",
      comment:
        "analysis may use the DSP primitives, never the strip, mixer or renderer built on them.",
      severity: "error",
      from: { path: "^analysis/", pathNot: `(^analysis/node/|${TESTS})` },
      to: { path: "^engine/(strip|mix|render|node)/" },
    },
    {
      name: "codecs-below-the-engine",
      comment: "formats, instruments and production build on music alone.",
      severity: "error",
      from: { path: "^(formats|instruments|production)/", pathNot: TESTS },
      to: { path: "^(engine|analysis|instruments|production)/", pathNot: "^$1/" },
    },
    {
      name: "store-knows-only-the-document",
      comment:
        "store/ keeps the documents of music/ and the records of production/ (pure data), and nothing that plays, reads files or serves.",
      severity: "error",
      from: { path: "^store/", pathNot: TESTS },
      to: {
        path: "^(engine|instruments|formats|analysis|acoustics|jobs|server|cli|web|examples)/",
      },
    },
    {
      name: "accounts-know-only-music",
      comment: "accounts/ imports only music/ of ours, so web/ may import accounts/roles.ts.",
      severity: "error",
      from: { path: "^accounts/", pathNot: TESTS },
      to: {
        path: "^(engine|instruments|formats|analysis|production|acoustics|store|jobs|server|cli|web|examples)/",
      },
    },
    {
      name: "web-reaches-the-studio-over-http",
      comment:
        "The web app runs in a browser: it uses the server through the API and never imports it, the store, jobs or the command line.",
      severity: "error",
      from: { path: "^web/", pathNot: TESTS },
      to: { path: "^(server|store|jobs|cli|bench)/" },
    },
    {
      name: "help-loads-no-command",
      comment:
        "--help prints cli/help/<command>.ts without loading the command: help imports constants, never a command, the engine or a server.",
      severity: "error",
      from: { path: "^cli/help/" },
      to: {
        path: "^(cli/commands|engine|formats|analysis|instruments|store|server|jobs|web)/",
      },
    },
    {
      name: "no-import-cycles",
      comment:
        "A module that imports one importing it back has no layer; a cycle closed only by a type import costs nothing at run time.",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API for dependency-cruiser to parse with; swc reads the
    // same sources.
    parser: "swc",
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/|^tools/api-types/|^coverage/" },
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
