/**
 * The Node flags the k6 sandbox runs under: vm modules (each VU's bundle is a vm.SourceTextModule),
 * without their experimental warning. The CLI restarts itself with them when they are missing;
 * spawn-sandbox.ts starts it with them.
 *
 * Plain module: no side effects (cli.ts runs at import, so it is no home for a shared constant).
 */
export const SANDBOX_NODE_FLAGS: readonly string[] = [
  '--experimental-vm-modules',
  '--disable-warning=ExperimentalWarning',
];
