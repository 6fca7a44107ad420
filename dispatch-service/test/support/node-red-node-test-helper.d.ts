// The helper ships no types; this is the part the tests use.
declare module 'node-red-node-test-helper' {
  interface NodeTestHelper {
    init(nodeRedRuntimePath: string): void;
    startServer(done: () => void): void;
    stopServer(done: () => void): void;
    load(nodes: unknown[], flow: object[], credentials?: object): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): unknown;
  }
  const helper: NodeTestHelper;
  export default helper;
}
